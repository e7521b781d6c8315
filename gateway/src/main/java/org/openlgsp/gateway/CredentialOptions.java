package org.openlgsp.gateway;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.edge.AdminApi;

/**
 * Local systems' credentials created at run time (docs/protocol.md, "Local systems' credentials");
 * the node binds {@code gateway.credentials} of node.yaml onto it, a key left out taking its
 * default.
 *
 * @param rotationOverlap how long a rotated secret still gets tokens after its rotation (default
 *     {@link #DEFAULT_ROTATION_OVERLAP}; zero: refused at once); a rotation may ask for less
 * @param apiPort the operator API's port (0: any free one); none, the default, opens no API
 * @param tokens the API's named bearer tokens; required with {@code apiPort}
 */
public record CredentialOptions(
    Duration rotationOverlap, Optional<Integer> apiPort, List<ApiToken> tokens) {
  /** 24 hours: the one place this default is written. */
  public static final Duration DEFAULT_ROTATION_OVERLAP = Duration.ofHours(24);

  /** The longest overlap accepted, so a rotation cannot leave the old secret alive for good. */
  public static final Duration MAX_ROTATION_OVERLAP = Duration.ofDays(30);

  /** May list the systems and their credentials. */
  public static final String READER = "reader";

  /** May also create, rotate and revoke. */
  public static final String OPERATOR = "operator";

  public CredentialOptions {
    rotationOverlap = rotationOverlap == null ? DEFAULT_ROTATION_OVERLAP : rotationOverlap;
    requireOverlap("rotationOverlap", rotationOverlap);
    apiPort = apiPort == null ? Optional.empty() : apiPort;
    if (apiPort.filter(p -> !AdminApi.isPort(p)).isPresent()) {
      throw new IllegalArgumentException("apiPort must be from 0 to 65535");
    }
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    if (apiPort.isPresent() && tokens.isEmpty()) {
      throw new IllegalArgumentException("apiPort needs at least one token in tokens");
    }
    if (apiPort.isEmpty() && !tokens.isEmpty()) {
      throw new IllegalArgumentException("tokens need apiPort");
    }
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (ApiToken t : tokens) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("token name '" + t.name() + "' is used twice");
      }
      if (!hashes.add(t.tokenSha256())) {
        throw new IllegalArgumentException("token '" + t.name() + "' is another token's too");
      }
    }
  }

  /** No API, the default overlap. */
  public static CredentialOptions defaults() {
    return new CredentialOptions(null, null, null);
  }

  /** These options with the API on {@code port} taking {@code apiTokens}. */
  public CredentialOptions withApi(int port, List<ApiToken> apiTokens) {
    return new CredentialOptions(rotationOverlap, Optional.of(port), apiTokens);
  }

  public CredentialOptions withRotationOverlap(Duration overlap) {
    return new CredentialOptions(overlap, apiPort, tokens);
  }

  static void requireOverlap(String name, Duration overlap) {
    if (overlap.isNegative() || overlap.compareTo(MAX_ROTATION_OVERLAP) > 0) {
      throw new IllegalArgumentException(name + " must be from PT0S to P30D");
    }
  }

  /**
   * A named bearer token of the API, known by its SHA-256: {@code name} is who the audit rows and
   * the credentials' {@code createdBy}/{@code rotatedBy}/{@code revokedBy} name.
   *
   * @param role {@value #READER} or {@value #OPERATOR}
   */
  public record ApiToken(String name, String tokenSha256, String role) {
    public ApiToken {
      if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")) {
        throw new IllegalArgumentException(
            "token name must be 1 to 100 letters, digits or . _ @ - (it is the audit actor)");
      }
      if (tokenSha256 == null || !AdminApi.isTokenSha256(tokenSha256)) {
        throw new IllegalArgumentException(
            "tokenSha256 of '" + name + "' must be 64 lower-case hex digits");
      }
      Objects.requireNonNull(role, "role of '" + name + "' is required (reader or operator)");
      if (!role.equals(READER) && !role.equals(OPERATOR)) {
        throw new IllegalArgumentException("role of '" + name + "' must be reader or operator");
      }
    }
  }
}
