package org.openlgsp.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A page of grants, how many grants the query matches in all, and the cursor of the next page
 * ({@link GrantQuery#after(String)}) when there are more.
 */
public record GrantPage(List<Registry.GrantEntry> items, long total, Optional<String> next) {
  public GrantPage {
    items = List.copyOf(items);
    Objects.requireNonNull(next, "next");
  }
}
