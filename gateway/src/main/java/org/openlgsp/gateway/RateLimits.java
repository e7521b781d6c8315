package org.openlgsp.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ServiceId;

/**
 * Token buckets and daily quotas of a gateway (docs/protocol.md, "Rate limits and quotas"), per
 * tenant: the configuration's {@code gateway.rateLimits} is the map {@link #tenants} from tenant to
 * that tenant's limits. A tenant is an instance (an LGSP, e.g. {@code VN-TAYNINH}, or a tenant of
 * an as-a-Service installation, docs/federation.md): a call is limited by the section named by its
 * client's instance (the first part of its identifier), else by {@value #DEFAULT_TENANT}'s. So a
 * national provider can give each province's LGSP limits of its own and every other caller the
 * default ones. None by default: a gateway without the section limits no one (beyond {@link
 * AdmissionLimits}).
 *
 * @param tenants each tenant's limits, keyed by instance name or {@value #DEFAULT_TENANT}
 */
public record RateLimits(Map<String, TenantLimits> tenants) {
  /** The section of every client whose instance has no section of its own. */
  public static final String DEFAULT_TENANT = "default";

  /** Daily quotas are counted per calendar day in Vietnam's time zone (UTC+7, no DST). */
  public static final ZoneId QUOTA_ZONE = ZoneId.of("Asia/Ho_Chi_Minh");

  /** Stands for every client (or service) that has no entry of its own. */
  public static final String EVERY_OTHER = "*";

  public RateLimits {
    tenants = Map.copyOf(tenants);
    for (String tenant : tenants.keySet()) {
      if (!tenant.equals(DEFAULT_TENANT)) {
        try {
          ClientId.member(tenant, "X", "X"); // an instance name, as an identifier begins with
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "rateLimits: tenant "
                  + tenant
                  + " is neither an instance name (e.g. VN-TAYNINH) nor `"
                  + DEFAULT_TENANT
                  + "`");
        }
      }
    }
  }

  /**
   * The section limiting calls of {@code client}: its instance's when there is one, else {@value
   * #DEFAULT_TENANT} (also when that one is not written: then it limits nothing).
   */
  String tenantOf(ClientId client) {
    return tenants.containsKey(client.instance()) ? client.instance() : DEFAULT_TENANT;
  }

  /** True when no section is written: nothing to take on the exchange's path. */
  boolean isEmpty() {
    return tenants.isEmpty();
  }

  /** No limits. */
  public static RateLimits none() {
    return new RateLimits(Map.of());
  }

  /** The default tenant's limits only. */
  public static RateLimits of(TenantLimits limits) {
    return new RateLimits(Map.of(DEFAULT_TENANT, limits));
  }

  /** The limits of {@code tenant}; none when it has no entry. */
  public TenantLimits tenant(String tenant) {
    return tenants.getOrDefault(tenant, TenantLimits.NONE);
  }

  /**
   * One tenant's limits.
   *
   * @param clients buckets per client subsystem, checked by the consumer gateway the client calls
   *     (one bucket per client, also for the clients {@code *} stands for)
   * @param services buckets per service, checked by the provider gateway hosting it, shared by all
   *     its callers
   */
  public record TenantLimits(List<ClientLimit> clients, List<ServiceLimit> services) {
    static final TenantLimits NONE = new TenantLimits(List.of(), List.of());

    @JsonCreator
    public TenantLimits(
        @JsonProperty("clients") List<ClientLimit> clients,
        @JsonProperty("services") List<ServiceLimit> services) {
      this.clients = clients == null ? List.of() : List.copyOf(clients);
      this.services = services == null ? List.of() : List.copyOf(services);
      requireDistinct("clients", this.clients.stream().map(ClientLimit::client).toList());
      requireDistinct("services", this.services.stream().map(ServiceLimit::service).toList());
    }

    /** The entry for {@code client}: its own, else the {@code *} entry. */
    Optional<ClientLimit> client(ClientId client) {
      // no limits configured (the usual case): nothing is built or scanned on the exchange's path
      return clients.isEmpty()
          ? Optional.empty()
          : pick(clients, client.toString(), ClientLimit::client);
    }

    /** The entry for {@code service}: its own, else the {@code *} entry. */
    Optional<ServiceLimit> service(ServiceId service) {
      return services.isEmpty()
          ? Optional.empty()
          : pick(services, service.toString(), ServiceLimit::service);
    }

    private static <T> Optional<T> pick(
        List<T> entries, String id, java.util.function.Function<T, String> key) {
      Optional<T> own = entries.stream().filter(e -> key.apply(e).equals(id)).findFirst();
      return own.isPresent()
          ? own
          : entries.stream().filter(e -> key.apply(e).equals(EVERY_OTHER)).findFirst();
    }

    private static void requireDistinct(String what, List<String> ids) {
      Set<String> seen = new HashSet<>();
      for (String id : ids) {
        if (!seen.add(id)) {
          throw new IllegalArgumentException(what + " lists " + id + " twice");
        }
      }
    }
  }

  /**
   * How fast one bucket refills and how much it holds.
   *
   * @param rate tokens added every {@code period}, continuously (one call takes one token)
   * @param period the period {@code rate} is counted over
   * @param burst the bucket's size: calls that may come at once after a quiet time
   */
  public record Rate(long rate, Duration period, long burst) {
    /** The period when none is written: one second. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

    public Rate {
      if (rate < 1) {
        throw new IllegalArgumentException("rate must be a positive number of calls: " + rate);
      }
      Objects.requireNonNull(period, "period");
      if (period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("period must be between PT0.001S and P1D: " + period);
      }
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be a positive number of calls: " + burst);
      }
    }

    /** A rate as written: {@code period} defaults to one second, {@code burst} to the rate. */
    static Rate of(Long rate, Duration period, Long burst) {
      if (rate == null) {
        throw new IllegalArgumentException("rate is required (calls per period)");
      }
      return new Rate(rate, period == null ? DEFAULT_PERIOD : period, burst == null ? rate : burst);
    }
  }

  /**
   * The limit of one client subsystem (or of each one {@code *} stands for).
   *
   * @param client the client subsystem's id ({@code INSTANCE/CLASS/MEMBER/SUBSYSTEM}) or {@code *}
   * @param rate calls added to its bucket every {@code period}
   * @param period the period {@code rate} is counted over (default {@link Rate#DEFAULT_PERIOD})
   * @param burst its bucket's size (default the rate)
   * @param dailyQuota calls it may make per calendar day ({@link #QUOTA_ZONE}); none when empty
   */
  public record ClientLimit(
      String client, long rate, Duration period, long burst, Optional<Long> dailyQuota) {
    public ClientLimit {
      Objects.requireNonNull(client, "client is required (a client id or *)");
      if (!client.equals(EVERY_OTHER)) {
        try {
          client = ClientId.parse(client).toString();
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "client must be a client id (INSTANCE/CLASS/MEMBER/SUBSYSTEM) or *: " + client);
        }
      }
      new Rate(rate, period, burst); // validates
      Objects.requireNonNull(dailyQuota, "dailyQuota");
      if (dailyQuota.filter(q -> q < 1).isPresent()) {
        throw new IllegalArgumentException(
            "dailyQuota must be a positive number of calls: " + dailyQuota.get());
      }
    }

    public ClientLimit(String client, Rate rate, Optional<Long> dailyQuota) {
      this(client, rate.rate(), rate.period(), rate.burst(), dailyQuota);
    }

    /** As a configuration file writes it: {@code period} and {@code burst} may be left out. */
    @JsonCreator
    static ClientLimit configured(
        @JsonProperty("client") String client,
        @JsonProperty("rate") Long rate,
        @JsonProperty("period") Duration period,
        @JsonProperty("burst") Long burst,
        @JsonProperty("dailyQuota") Long dailyQuota) {
      return new ClientLimit(client, Rate.of(rate, period, burst), Optional.ofNullable(dailyQuota));
    }

    /** Its token bucket. */
    public Rate bucket() {
      return new Rate(rate, period, burst);
    }
  }

  /**
   * The limit of one service hosted by the gateway (or of each one {@code *} stands for), all its
   * callers together.
   *
   * @param service the service's id ({@code INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE}) or {@code *}
   * @param rate calls added to its bucket every {@code period}
   * @param period the period {@code rate} is counted over (default {@link Rate#DEFAULT_PERIOD})
   * @param burst its bucket's size (default the rate)
   */
  public record ServiceLimit(String service, long rate, Duration period, long burst) {
    public ServiceLimit {
      Objects.requireNonNull(service, "service is required (a service id or *)");
      if (!service.equals(EVERY_OTHER)) {
        try {
          service = ServiceId.parse(service).toString();
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "service must be a service id (INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE) or *: "
                  + service);
        }
      }
      new Rate(rate, period, burst); // validates
    }

    public ServiceLimit(String service, Rate rate) {
      this(service, rate.rate(), rate.period(), rate.burst());
    }

    /** As a configuration file writes it: {@code period} and {@code burst} may be left out. */
    @JsonCreator
    static ServiceLimit configured(
        @JsonProperty("service") String service,
        @JsonProperty("rate") Long rate,
        @JsonProperty("period") Duration period,
        @JsonProperty("burst") Long burst) {
      return new ServiceLimit(service, Rate.of(rate, period, burst));
    }

    /** Its token bucket. */
    public Rate bucket() {
      return new Rate(rate, period, burst);
    }
  }
}
