package org.openlgsp.gateway;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openlgsp.core.Certificates;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.Directory;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.pki.KeyPairs;

/**
 * End-to-end encryption of what a hub relays (docs/federation.md, "Hub mode"): CMS
 * AuthEnvelopedData (RFC 5083) with AES-256-GCM content encryption and one KeyAgreeRecipientInfo
 * per encryption certificate of the receiving member — ephemeral-static ECDH on P-256 with the ANSI
 * X9.63 SHA-256 KDF ({@code dhSinglePass-stdDH-sha256kdf-scheme}, RFC 5753) and AES-256 key wrap.
 * Every primitive and the CMS encoding are Bouncy Castle's.
 *
 * <p>What is sealed is a {@link Content}: for a request the method, the path with its query (the
 * subject's ID is often in it), the personal-data headers and the body; for a response the status,
 * headers and body. The hub only sees the ciphertext and the routing envelope around it.
 */
final class Sealing {
  /** The Content-Type of a sealed body (RFC 8551 §3.2.2 names authEnveloped-data). */
  static final String MEDIA_TYPE = "application/pkcs7-mime; smime-type=authEnveloped-data";

  private static final Provider BC = new BouncyCastleProvider();

  /** The plaintext inside a sealed message, as JSON. */
  record Content(
      String method, String target, int status, Map<String, String> headers, byte[] body) {
    Content {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(target, "target");
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      body = body == null ? new byte[0] : body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private Sealing() {}

  /** Seals {@code content} to every certificate given (a member's current encryption keys). */
  static byte[] seal(Content content, List<X509Certificate> recipients) {
    if (recipients.isEmpty()) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID, "the receiving member publishes no encryption key");
    }
    try {
      KeyPair ephemeral = KeyPairs.ecP256();
      JceKeyAgreeRecipientInfoGenerator recipientInfo =
          new JceKeyAgreeRecipientInfoGenerator(
                  CMSAlgorithm.ECDH_SHA256KDF,
                  ephemeral.getPrivate(),
                  ephemeral.getPublic(),
                  CMSAlgorithm.AES256_WRAP)
              .setProvider(BC);
      for (X509Certificate r : recipients) {
        recipientInfo.addRecipient(r);
      }
      CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
      generator.addRecipientInfoGenerator(recipientInfo);
      CMSAuthEnvelopedData sealed =
          generator.generate(
              new CMSProcessableByteArray(Json.write(content)),
              (org.bouncycastle.operator.OutputAEADEncryptor)
                  new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                      .setProvider(BC)
                      .build());
      return sealed.getEncoded();
    } catch (CMSException | java.io.IOException | java.security.GeneralSecurityException e) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID, "cannot seal: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Opens a sealed message with this member's encryption key. Anything that is not
   * AuthEnvelopedData for that key, or whose authentication tag fails, is refused with {@code
   * federation.seal_invalid}; the reason never carries any of the content.
   */
  static Content open(byte[] sealed, X509Certificate certificate, PrivateKey key) {
    CMSAuthEnvelopedData data;
    try {
      data = new CMSAuthEnvelopedData(sealed);
    } catch (CMSException | RuntimeException e) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID, "the body is not CMS AuthEnvelopedData");
    }
    RecipientInformation mine =
        data.getRecipientInfos().get(new JceKeyAgreeRecipientId(certificate));
    if (mine == null) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID,
          "the message is not sealed to encryption certificate "
              + Certificates.fingerprint(certificate));
    }
    byte[] plain;
    try {
      plain = mine.getContent(new JceKeyAgreeEnvelopedRecipient(key).setProvider(BC));
    } catch (CMSException | RuntimeException e) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID, "the sealed message does not decrypt or authenticate");
    }
    try {
      return Json.read(plain, Content.class);
    } catch (RuntimeException e) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID, "the sealed content is not a sealed message");
    }
  }

  /**
   * The encryption certificates of {@code member} in the directory that are valid at {@code now}:
   * the keys a message to it is sealed to (all of them, so that a key rotation loses nothing).
   */
  static List<X509Certificate> encryptionKeys(Directory directory, ClientId member, Instant now) {
    Directory.Member m =
        directory
            .member(member.memberId())
            .orElseThrow(
                () ->
                    new LgspException(
                        ErrorCode.FEDERATION_SEAL_INVALID,
                        "member " + member.memberId() + " is not in the directory"));
    List<X509Certificate> keys =
        m.encryptionCertificates().stream()
            .map(Certificates::fromBase64)
            .filter(c -> validAt(c, now))
            .toList();
    if (keys.isEmpty()) {
      throw new LgspException(
          ErrorCode.FEDERATION_SEAL_INVALID,
          "member " + member.memberId() + " publishes no valid encryption certificate");
    }
    return keys;
  }

  private static boolean validAt(X509Certificate c, Instant now) {
    try {
      c.checkValidity(java.util.Date.from(now));
      return true;
    } catch (java.security.cert.CertificateException e) {
      return false;
    }
  }
}
