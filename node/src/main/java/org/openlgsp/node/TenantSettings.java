package org.openlgsp.node;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.registry.RegistryOptions;

/**
 * One tenant of an "LGSP as a Service" installation (docs/federation.md, "LGSP as a Service"): an
 * LGSP of its own, served by the installation's registry listener under {@code /tenants/{id}}.
 *
 * @param id {@code [a-z0-9][a-z0-9-]{0,31}}: the path prefix {@code /tenants/{id}}
 * @param instance the tenant's own instance name, which its identifiers begin with
 * @param database the tenant's own database (JDBC URL: an SQLite file, a PostgreSQL schema)
 * @param signing the tenant's directory-signing certificate and key files
 * @param adminTokens the tenant's administrators: a name (the audit actor) and the SHA-256 of a
 *     bearer token; at least one
 * @param ledgerKey the checkpoint key file of the tenant's ledger (its consent log); default {@code
 *     tenants/<id>/ledger.key}, generated when missing
 * @param consentKey the tenant's consent key file; default {@code tenants/<id>/consent.key},
 *     generated when missing
 * @param directoryValidity default: {@link RegistryOptions#defaults}
 * @param federation the tenant's federations with other instances (the national one), as {@code
 *     registry.federation} of a standalone registry; its kept catalogues by default in {@code
 *     tenants/<id>/federation}; absent: none
 */
public record TenantSettings(
    String id,
    String instance,
    String database,
    NodeConfig.KeyFiles signing,
    List<AdminToken> adminTokens,
    String ledgerKey,
    String consentKey,
    Optional<Duration> directoryValidity,
    Optional<NodeConfig.RegistryFederation> federation) {
  /** The path of every tenant's routes: {@code /tenants/{id}}. */
  public static final String PREFIX = "/tenants/";

  /** An administrator of the tenant. */
  public record AdminToken(String name, String tokenSha256) {
    public AdminToken {
      Objects.requireNonNull(name, "name is required");
      Objects.requireNonNull(tokenSha256, "tokenSha256 is required");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      if (!tokenSha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("tokenSha256 must be 64 hex digits");
      }
    }
  }

  public TenantSettings {
    Objects.requireNonNull(id, "id is required");
    if (!id.matches("[a-z0-9][a-z0-9-]{0,31}")) {
      throw new IllegalArgumentException(
          "id must be 1 to 32 lower-case letters, digits or '-', not starting with '-': " + id);
    }
    Objects.requireNonNull(instance, "instance is required");
    Objects.requireNonNull(database, "database is required");
    Objects.requireNonNull(signing, "signing is required");
    if (signing.token().isPresent()) {
      throw new IllegalArgumentException(
          "signing: a tenant's directory key in a PKCS#11 slot is not supported yet; give"
              + " certificate and key files");
    }
    adminTokens = adminTokens == null ? List.of() : List.copyOf(adminTokens);
    if (adminTokens.isEmpty()) {
      throw new IllegalArgumentException("adminTokens: at least one administrator is required");
    }
    if (adminTokens.stream().map(AdminToken::tokenSha256).distinct().count() < adminTokens.size()) {
      throw new IllegalArgumentException("adminTokens: a token is listed twice");
    }
    ledgerKey = ledgerKey == null ? "tenants/" + id + "/ledger.key" : ledgerKey;
    consentKey = consentKey == null ? "tenants/" + id + "/consent.key" : consentKey;
    directoryValidity = directoryValidity == null ? Optional.empty() : directoryValidity;
    federation = federation == null ? Optional.empty() : federation;
    options(instance, directoryValidity); // validates with the registry module's rules
  }

  /** The folder keeping the tenant's federated catalogues (relative to the configuration). */
  public String federationCache() {
    return federation
        .flatMap(NodeConfig.RegistryFederation::cache)
        .orElse(defaultFederationCache());
  }

  private String defaultFederationCache() {
    return "tenants/" + id + "/federation";
  }

  /** The registry module's federation options of this tenant, when it federates. */
  public Optional<org.openlgsp.registry.FederationOptions> federationOptions(
      java.nio.file.Path base) {
    return federation.map(f -> f.options(base, defaultFederationCache()));
  }

  /** The registry module's options of this tenant, its defaults where the file says nothing. */
  public RegistryOptions options() {
    return options(instance, directoryValidity);
  }

  private static RegistryOptions options(String instance, Optional<Duration> directoryValidity) {
    RegistryOptions defaults = RegistryOptions.defaults(instance);
    return new RegistryOptions(
        instance,
        directoryValidity.orElse(defaults.directoryValidity()),
        org.openlgsp.registry.BreachOptions.defaults());
  }

  /** Where the tenant's routes are served: {@code /tenants/<id>}. */
  public String prefix() {
    return PREFIX + id;
  }

  /**
   * Refuses tenants that would share what must be their own: an id, an instance (or the
   * installation's), a database, a key file or an admin token (or the installation's); a tenant's
   * ledger key is not the installation's consent-log key either. Files are compared normalised.
   */
  static void requireSeparate(
      List<TenantSettings> tenants, String instance, Optional<NodeConfig.RegistryRole> registry) {
    if (tenants.isEmpty()) {
      return;
    }
    NodeConfig.RegistryRole r =
        registry.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "tenants: needs the registry role (its listener serves the tenants)"));
    unique(tenants, "id", t -> List.of(t.id()), List.of());
    unique(tenants, "instance", t -> List.of(t.instance()), List.of(instance));
    unique(
        tenants, "database", t -> List.of(sameFile(t.database())), List.of(sameFile(r.database())));
    unique(
        tenants,
        "signing",
        t -> List.of(sameFile(t.signing().key().orElseThrow())),
        r.signing().key().map(k -> List.of(sameFile(k))).orElse(List.of()));
    unique(
        tenants,
        "ledgerKey",
        t -> List.of(sameFile(t.ledgerKey())),
        List.of(sameFile(LedgerFiles.consentLogKeyFile(instance))));
    unique(
        tenants,
        "federation.cache",
        t -> t.federation().isPresent() ? List.of(t.federationCache()) : List.of(),
        r.federation()
            .map(f -> f.cache().orElse("data/federation"))
            .map(List::of)
            .orElse(List.of()));
    unique(
        tenants,
        "consentKey",
        t -> List.of(sameFile(t.consentKey())),
        r.consentKey().map(k -> List.of(sameFile(k))).orElse(List.of()));
    unique(
        tenants,
        "adminTokens",
        t -> t.adminTokens().stream().map(AdminToken::tokenSha256).toList(),
        List.of(r.adminTokenSha256()));
  }

  /**
   * A file (or an SQLite JDBC URL's file) as compared: normalised, so that {@code ./a}, {@code
   * x/../a} and {@code a} are one file. All are relative to the same base folder.
   */
  static String sameFile(String path) {
    String sqlite = "jdbc:sqlite:";
    if (path.startsWith(sqlite)) {
      return sqlite + sameFile(path.substring(sqlite.length()));
    }
    if (path.startsWith("jdbc:")) {
      return path;
    }
    try {
      return java.nio.file.Path.of(path).normalize().toString();
    } catch (java.nio.file.InvalidPathException e) {
      return path;
    }
  }

  private static void unique(
      List<TenantSettings> tenants,
      String key,
      java.util.function.Function<TenantSettings, List<String>> values,
      List<String> installation) {
    java.util.Map<String, String> seen = new java.util.HashMap<>();
    installation.forEach(v -> seen.put(v, "the installation's registry"));
    for (TenantSettings t : tenants) {
      for (String v : values.apply(t)) {
        String other = seen.putIfAbsent(v, "tenant " + t.id());
        if (other != null) {
          throw new IllegalArgumentException(
              "tenants: "
                  + key
                  + " of tenant "
                  + t.id()
                  + " is also "
                  + other
                  + "'s; each tenant needs its own");
        }
      }
    }
  }
}
