package org.openlgsp.alerts;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMParser;
import org.openlgsp.core.Digests;

/**
 * The webhooks' signature a receiver verifies with the node's public key alone (docs/alerts.md
 * "Webhooks"): Ed25519 over {@code "<unix seconds>." + body}, the same input as the HMAC, sent as
 * {@code X-LGSP-Signature-Ed25519: t=<unix seconds>,keyid=<id>,ed25519=<base64 signature>}. The key
 * id is the hex SHA-256 of the public key's DER SubjectPublicKeyInfo (what {@code openssl pkey
 * -pubin -outform DER | sha256sum} prints), so a receiver holding several keys picks the right one.
 */
final class WebhookSigning {
  static final String HEADER = "X-LGSP-Signature-Ed25519";
  private final Ed25519PrivateKeyParameters key;
  private final String keyId;

  WebhookSigning(Ed25519PrivateKeyParameters key) {
    this.key = key;
    this.keyId = keyId(key.generatePublicKey());
  }

  /**
   * Reads an Ed25519 private key from a PKCS#8 PEM file ({@code openssl genpkey -algorithm
   * ed25519}).
   */
  static WebhookSigning read(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "signingKeyFile " + file.getFileName() + " cannot be read");
    }
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      if (o instanceof PrivateKeyInfo info
          && PrivateKeyFactory.createKey(info) instanceof Ed25519PrivateKeyParameters k) {
        return new WebhookSigning(k);
      }
    } catch (IOException | RuntimeException e) {
      // falls through to the one message below, without the file's content
    }
    throw new IllegalArgumentException(
        "signingKeyFile " + file.getFileName() + " is not an Ed25519 private key in PKCS#8 PEM");
  }

  /** The hex SHA-256 of {@code pub}'s DER SubjectPublicKeyInfo. */
  static String keyId(Ed25519PublicKeyParameters pub) {
    try {
      byte[] der = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded();
      return HexFormat.of().formatHex(Digests.sha256(der));
    } catch (IOException e) {
      throw new IllegalStateException("public key not encodable", e);
    }
  }

  String keyId() {
    return keyId;
  }

  /** The header's value for {@code body} sent at {@code unixSeconds}. */
  String header(long unixSeconds, byte[] body) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.US_ASCII);
    s.update(prefix, 0, prefix.length);
    s.update(body, 0, body.length);
    return "t="
        + unixSeconds
        + ",keyid="
        + keyId
        + ",ed25519="
        + Base64.getEncoder().encodeToString(s.generateSignature());
  }
}
