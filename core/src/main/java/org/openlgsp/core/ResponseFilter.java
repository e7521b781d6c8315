package org.openlgsp.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link PrivacyPolicy}'s allow-list and masks, compiled once, applied to a JSON document.
 *
 * <p>Pointers (RFC 6901, parsed by Jackson's {@code JsonPointer}) address fields; in an array, a
 * segment that is a decimal index (no leading zero) names that element and {@code *} every element.
 * In an object {@code *} is the member named "*", as RFC 6901 says. The allow-list keeps what its
 * pointers reach, with the objects and arrays on the way: an object keeps only the members some
 * pointer names, an array only the elements some pointer reaches (in their order), a pointer
 * stopping at an object or array keeps it whole, and a pointer that meets a scalar before its end
 * keeps nothing there. Masks then replace the values their pointers reach. A document without the
 * fields is not an error: what is not there is not passed on.
 */
public final class ResponseFilter {
  private final Selector allow; // null: every field
  private final List<CompiledMask> masks;
  private final java.util.Map<LeakDetectors.Kind, PrivacyPolicy.LeakAction> leaks;
  private final java.util.Set<LeakDetectors.Kind> scanned;
  private final java.util.Set<LeakDetectors.Kind> masked;

  private ResponseFilter(
      Selector allow,
      List<CompiledMask> masks,
      java.util.Map<LeakDetectors.Kind, PrivacyPolicy.LeakAction> leaks) {
    this.allow = allow;
    this.masks = masks;
    this.leaks = leaks;
    this.scanned = java.util.EnumSet.noneOf(LeakDetectors.Kind.class);
    this.masked = java.util.EnumSet.noneOf(LeakDetectors.Kind.class);
    leaks.forEach(
        (kind, action) -> {
          if (action != PrivacyPolicy.LeakAction.ALLOW) {
            scanned.add(kind);
          }
          if (action == PrivacyPolicy.LeakAction.MASK) {
            masked.add(kind);
          }
        });
  }

  public static ResponseFilter of(PrivacyPolicy policy) {
    Selector allow = null;
    if (!policy.responseFields().isEmpty()) {
      allow = new Selector();
      for (String field : policy.responseFields()) {
        Selector at = allow;
        for (String segment : PrivacyPolicy.segments(field)) {
          at = at.children.computeIfAbsent(segment, k -> new Selector());
        }
        at.whole = true;
      }
    }
    List<CompiledMask> masks = new ArrayList<>();
    for (PrivacyPolicy.Mask m : policy.masks()) {
      masks.add(new CompiledMask(PrivacyPolicy.segments(m.pointer()), Rule.parse(m.rule())));
    }
    java.util.Map<LeakDetectors.Kind, PrivacyPolicy.LeakAction> leaks =
        new java.util.EnumMap<>(LeakDetectors.Kind.class);
    policy.leaks().forEach(l -> leaks.put(l.kind(), l.action()));
    return new ResponseFilter(allow, List.copyOf(masks), leaks);
  }

  /** The document as the policy lets it through (a new tree, or {@code doc} changed in place). */
  public JsonNode apply(JsonNode doc) {
    return apply(doc, java.util.EnumSet.noneOf(LeakDetectors.Kind.class));
  }

  /**
   * As {@link #apply(JsonNode)}, then the leak detectors over every string (and integer) value
   * left: what they find is added to {@code found}, masked where the policy says {@code mask}.
   */
  public JsonNode apply(JsonNode doc, java.util.Set<LeakDetectors.Kind> found) {
    JsonNode out = minimise(doc);
    if (!scanned.isEmpty()) {
      out = scanNode(out, found);
    }
    return out;
  }

  /** The leak detectors over a text body; masked where the policy says so. */
  public String applyToText(String text, java.util.Set<LeakDetectors.Kind> found) {
    return scanned.isEmpty() ? text : LeakDetectors.scan(text, scanned, masked, found);
  }

  /** True when one of {@code found} is a detector the policy blocks on. */
  public boolean blocks(java.util.Set<LeakDetectors.Kind> found) {
    return found.stream().anyMatch(k -> leaks.get(k) == PrivacyPolicy.LeakAction.BLOCK);
  }

  /** The findings as recorded: {@code detector:action}, sorted. */
  public List<String> findings(java.util.Set<LeakDetectors.Kind> found) {
    return found.stream()
        .map(k -> k.label() + ":" + leaks.get(k).name().toLowerCase(java.util.Locale.ROOT))
        .sorted()
        .toList();
  }

  private JsonNode scanNode(JsonNode node, java.util.Set<LeakDetectors.Kind> found) {
    if (node.isTextual()) {
      String t = node.textValue();
      String s = LeakDetectors.scan(t, scanned, masked, found);
      return s.equals(t) ? node : TextNode.valueOf(s);
    }
    if (node.isIntegralNumber()) {
      String t = node.asText();
      String s = LeakDetectors.scan(t, scanned, masked, found);
      return s.equals(t) ? node : TextNode.valueOf(s);
    }
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = scanNode(e.getValue(), found);
        if (v != e.getValue()) {
          e.setValue(v);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = scanNode(a.get(i), found);
        if (v != a.get(i)) {
          a.set(i, v);
        }
      }
    }
    return node;
  }

  private JsonNode minimise(JsonNode doc) {
    JsonNode out = allow == null ? doc : keep(doc, List.of(allow));
    if (out == null) {
      out =
          doc.isArray()
              ? JsonNodeFactory.instance.arrayNode()
              : JsonNodeFactory.instance.objectNode();
    }
    if (out.isContainerNode()) {
      for (CompiledMask m : masks) {
        mask(out, m.segments, 0, m.rule);
      }
    }
    return out;
  }

  /** What {@code sels} keep of {@code node}; null for nothing. */
  private static JsonNode keep(JsonNode node, List<Selector> sels) {
    for (Selector s : sels) {
      if (s.whole) {
        return node;
      }
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        List<Selector> next = children(sels, field.getKey(), null);
        if (!next.isEmpty()) {
          JsonNode kept = keep(field.getValue(), next);
          if (kept != null) {
            out.set(field.getKey(), kept);
          }
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        List<Selector> next = children(sels, Integer.toString(i), "*");
        if (!next.isEmpty()) {
          JsonNode kept = keep(node.get(i), next);
          if (kept != null) {
            out.add(kept);
          }
        }
      }
      return out;
    }
    return null; // a scalar where the pointer goes on
  }

  private static List<Selector> children(List<Selector> sels, String key, String wildcard) {
    List<Selector> next = new ArrayList<>(2);
    for (Selector s : sels) {
      Selector c = s.children.get(key);
      if (c != null) {
        next.add(c);
      }
      if (wildcard != null) {
        Selector w = s.children.get(wildcard);
        if (w != null) {
          next.add(w);
        }
      }
    }
    return next;
  }

  private static void mask(JsonNode container, List<String> segments, int i, Rule rule) {
    String segment = segments.get(i);
    boolean last = i == segments.size() - 1;
    if (container instanceof ObjectNode o) {
      JsonNode child = o.get(segment);
      if (child == null) {
        return;
      }
      if (last) {
        o.set(segment, rule.apply(child));
      } else if (child.isContainerNode()) {
        mask(child, segments, i + 1, rule);
      }
    } else if (container instanceof ArrayNode a) {
      if (segment.equals("*")) {
        for (int k = 0; k < a.size(); k++) {
          maskElement(a, k, segments, i, last, rule);
        }
      } else {
        int k = index(segment);
        if (k >= 0 && k < a.size()) {
          maskElement(a, k, segments, i, last, rule);
        }
      }
    }
  }

  private static void maskElement(
      ArrayNode a, int k, List<String> segments, int i, boolean last, Rule rule) {
    if (last) {
      a.set(k, rule.apply(a.get(k)));
    } else if (a.get(k).isContainerNode()) {
      mask(a.get(k), segments, i + 1, rule);
    }
  }

  private static int index(String segment) {
    if (!segment.matches("0|[1-9][0-9]{0,8}")) {
      return -1;
    }
    return Integer.parseInt(segment);
  }

  private static final class Selector {
    final Map<String, Selector> children = new HashMap<>();
    boolean whole;
  }

  private record CompiledMask(List<String> segments, Rule rule) {}

  /** A masking rule: see {@link PrivacyPolicy.Mask}. */
  private interface Rule {
    JsonNode apply(JsonNode value);

    static Rule parse(String rule) {
      if (rule.equals("redact")) {
        return v -> NullNode.instance;
      }
      if (rule.equals("year")) {
        return new Year();
      }
      return new Last(Integer.parseInt(rule.substring("last:".length())));
    }
  }

  /** Everything but the last {@code n} characters becomes {@code *}; all of a value as short. */
  private record Last(int n) implements Rule {
    @Override
    public JsonNode apply(JsonNode value) {
      if (!value.isValueNode() || value.isNull()) {
        return NullNode.instance;
      }
      int[] cps = value.asText().codePoints().toArray();
      int keep = cps.length > n ? n : 0;
      StringBuilder b = new StringBuilder(cps.length);
      for (int k = 0; k < cps.length; k++) {
        if (k < cps.length - keep) {
          b.append('*');
        } else {
          b.appendCodePoint(cps[k]);
        }
      }
      return TextNode.valueOf(b.toString());
    }
  }

  /**
   * The year of a date: {@code yyyy}, {@code yyyy-MM-dd} (with a time after it or not), {@code
   * yyyyMMdd}, {@code dd/MM/yyyy}; a number of those forms keeps its type. Anything else is
   * redacted, so an unexpected form never passes a full date.
   */
  private record Year() implements Rule {
    private static final Pattern ISO = Pattern.compile("(\\d{4})(-\\d{2}(-\\d{2}([T ].*)?)?)?");
    private static final Pattern COMPACT = Pattern.compile("(\\d{4})\\d{4}");
    private static final Pattern VIETNAMESE = Pattern.compile("\\d{1,2}/\\d{1,2}/(\\d{4})");

    @Override
    public JsonNode apply(JsonNode value) {
      if (!value.isTextual() && !value.isIntegralNumber()) {
        return NullNode.instance;
      }
      String text = value.asText();
      for (Pattern p : List.of(ISO, COMPACT, VIETNAMESE)) {
        Matcher m = p.matcher(text);
        if (m.matches()) {
          String year = m.group(1);
          return value.isIntegralNumber()
              ? JsonNodeFactory.instance.numberNode(Integer.parseInt(year))
              : TextNode.valueOf(year);
        }
      }
      return NullNode.instance;
    }
  }
}
