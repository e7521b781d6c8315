package org.openlgsp.console;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One page of a searchable list: its rows, its number (from 1), the number of pages, the total
 * number of matching rows and the search text that found them.
 */
public record Paged<T>(List<T> items, int page, int pages, long total, String query) {
  public Paged {
    items = List.copyOf(items);
    if (page < 1 || pages < 1) {
      throw new IllegalArgumentException("pages count from 1");
    }
  }

  /**
   * The {@code page}th page of {@code size} rows of the rows of {@code all} whose text (by {@code
   * text}) contains {@code query}, in any case; a page past the end is the last one.
   */
  static <T> Paged<T> of(List<T> all, Function<T, String> text, String query, int page, int size) {
    String q = query.toLowerCase(Locale.ROOT);
    List<T> matching =
        q.isEmpty()
            ? all
            : all.stream().filter(t -> text.apply(t).toLowerCase(Locale.ROOT).contains(q)).toList();
    int pages = Math.max(1, (matching.size() + size - 1) / size);
    int p = Math.min(Math.max(1, page), pages);
    int from = (p - 1) * size;
    return new Paged<>(
        matching.subList(from, Math.min(matching.size(), from + size)),
        p,
        pages,
        matching.size(),
        query);
  }
}
