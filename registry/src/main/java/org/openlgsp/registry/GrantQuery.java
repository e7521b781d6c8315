package org.openlgsp.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.openlgsp.core.ClientId;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;

/**
 * Which grants to list a page of, in (client, service, id) order: those whose {@code "client
 * service"} contains {@code text} (any case; {@code ""}: all), of {@code agency} when given (its
 * member is the client's or the service provider's), after {@code after} (the {@link
 * GrantPage#next()} of the page before; none: from the first), at most {@code limit} (1 – {@value
 * #MAX_LIMIT}). Keyset paging: a page costs its own rows, wherever it is in the list, and a grant
 * added or revoked between two pages neither repeats nor skips another.
 */
public record GrantQuery(
    String text, Optional<ClientId> agency, Optional<String> after, int limit) {
  public static final int MAX_LIMIT = 1_000;

  public GrantQuery {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(agency, "agency");
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new LgspException(ErrorCode.QUERY_PAGE_INVALID, "limit must be 1.." + MAX_LIMIT);
    }
    after.ifPresent(GrantQuery::position);
  }

  /** The first {@code limit} grants. */
  public static GrantQuery first(int limit) {
    return new GrantQuery("", Optional.empty(), Optional.empty(), limit);
  }

  /** The same query from {@code cursor} on. */
  public GrantQuery after(String cursor) {
    return new GrantQuery(text, agency, Optional.of(cursor), limit);
  }

  /** A grant's place in the order, as the cursor of the page that ends with it. */
  static String cursor(String client, String service, String id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((client + "\n" + service + "\n" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** The client, service and id a cursor stands for; refused when it is not one. */
  static List<String> position(String cursor) {
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
      if (parts.length == 3 && !parts[0].isEmpty() && !parts[2].isEmpty()) {
        return List.of(parts);
      }
    } catch (IllegalArgumentException notBase64) {
      // refused below as any other unreadable cursor
    }
    throw new LgspException(
        ErrorCode.QUERY_PAGE_INVALID, "after is not a cursor of a page of grants");
  }
}
