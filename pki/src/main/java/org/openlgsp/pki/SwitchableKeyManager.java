package org.openlgsp.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one key and certificate chain in TLS handshakes and lets the owner switch to another
 * while connections are being made: a node rotates its TLS key without restarting its listeners.
 * Handshakes already running finish with the key they chose; later ones use the new key.
 *
 * <p>Each key gets its own alias. The TLS stack asks for an alias first and for the key and chain
 * of that alias afterwards, so a switch between the two calls must not pair the old chain with the
 * new key; the last few keys therefore stay resolvable by alias.
 *
 * <p>The key is used through the JCA, so a PKCS#11 key (SunPKCS11) works as well as a software one.
 */
public final class SwitchableKeyManager extends X509ExtendedKeyManager {
  private static final int KEPT = 4;
  private final Map<String, Credentials> byAlias = new LinkedHashMap<>();
  private volatile Entry current;
  private long generation;

  private record Entry(String alias, Credentials credentials, long generation) {}

  public SwitchableKeyManager(Credentials initial) {
    use(initial);
  }

  /**
   * Presents {@code next} from the next handshake on.
   *
   * @throws IllegalArgumentException when the key does not belong to the certificate
   */
  public void use(Credentials next) {
    next.requireMatchingKey();
    synchronized (byAlias) {
      generation++;
      String alias = "key-" + generation;
      byAlias.put(alias, next);
      while (byAlias.size() > KEPT) {
        byAlias.remove(byAlias.keySet().iterator().next());
      }
      current = new Entry(alias, next, generation);
    }
  }

  /** The credentials presented now. */
  public Credentials current() {
    return current.credentials();
  }

  /** Counts switches: it changes whenever {@link #use(Credentials)} installs a key. */
  public long generation() {
    return current.generation();
  }

  private String alias(String keyType) {
    Entry e = current;
    return fits(e.credentials(), keyType) ? e.alias() : null;
  }

  private String alias(String[] keyTypes) {
    if (keyTypes == null) {
      return null;
    }
    return Arrays.stream(keyTypes)
        .map(this::alias)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /**
   * TLS 1.3 asks for "EC", "RSA", "RSASSA-PSS"...; TLS 1.2 also for "EC_EC" or "EC_RSA", where the
   * part before the underscore is the key's algorithm.
   */
  private static boolean fits(Credentials c, String keyType) {
    if (keyType == null) {
      return false;
    }
    int underscore = keyType.indexOf('_');
    String wanted = underscore < 0 ? keyType : keyType.substring(0, underscore);
    return wanted.equalsIgnoreCase(c.certificate().getPublicKey().getAlgorithm());
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return alias(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Credentials c = lookup(alias);
    return c == null ? null : c.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Credentials c = lookup(alias);
    return c == null ? null : c.key();
  }

  private Credentials lookup(String alias) {
    synchronized (byAlias) {
      return byAlias.get(alias);
    }
  }
}
