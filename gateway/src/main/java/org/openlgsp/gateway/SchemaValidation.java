package org.openlgsp.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.openlgsp.core.Json;
import org.openlgsp.core.OpenApiDocument;
import org.openlgsp.gateway.spi.ExchangeObservation.DataQuality.Violation;

/**
 * A service's OpenAPI document ready to check exchanges against (docs/privacy.md, "Data quality"):
 * the operation is found by method and path template, and a JSON body is validated against its
 * {@code requestBody} schema, or the response's (its status, then {@code nXX}, then {@code
 * default}), by networknt's json-schema-validator with the OpenAPI 3.0 or 3.1 dialect. Only where
 * and why a body fails is reported (JSON Pointer and keyword), never a value. Schemas are compiled
 * on first use and kept with the directory view; {@code $ref}s outside the document are not
 * fetched.
 */
final class SchemaValidation {
  private static final Logger LOG = Logger.getLogger(SchemaValidation.class.getName());
  private static final String BASE = "urn:openlgsp:openapi";
  private static final Set<String> OPERATIONS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  /** The field names whose value is the time the data was last updated (staleness). */
  static final String DATA_TIME_FIELD = "ThoiDiemDuLieu";

  /** Root extension of the document listing further data-time field names. */
  static final String DATA_TIME_EXTENSION = "x-openlgsp-data-time-fields";

  /** At most this many violations are kept per body. */
  static final int MAX_VIOLATIONS = 20;

  /** A local date-time without offset is read in Viet Nam's time (UTC+7). */
  private static final ZoneOffset VIETNAM = ZoneOffset.ofHours(7);

  private final SchemaRegistry registry;
  private final List<Operation> operations;
  private final Set<String> dataTimeFields;
  private final Map<String, Optional<Schema>> compiled = new ConcurrentHashMap<>();

  /**
   * One operation: its method, path template as a pattern (one group per {@code {name}}, named in
   * {@code pathNames}), where its body schemas are, and its parameters.
   */
  private record Operation(
      String method,
      Pattern path,
      List<String> pathNames,
      Optional<String> request,
      Map<String, String> responses,
      List<Parameter> parameters) {}

  /**
   * A query, path or header parameter: whether it is required, and the pointer to its schema and
   * the schema's {@code type} (to read the text of the value as a number or a boolean).
   */
  private record Parameter(
      String in, String name, boolean required, Optional<String> schema, String type) {
    /** Where a violation of it is recorded: {@code query/limit}, {@code header/X-Ma-Can-Bo}. */
    String place() {
      return in + "/" + name;
    }
  }

  /**
   * Checks the query, path and header parameters of a request of {@code method} on {@code path}
   * against the operation's {@code parameters} (path-level ones included, the operation's own
   * winning): a required one missing is {@code required}, a present one is validated against its
   * schema. Only where and why is reported, never a value.
   *
   * @param query the decoded query parameters by name
   * @param header a request header's value by name (case-insensitive), if sent
   */
  Outcome parameters(
      String method,
      String path,
      Map<String, List<String>> query,
      java.util.function.Function<String, Optional<String>> header) {
    Optional<Operation> found = operation(method, path);
    if (found.isEmpty() || found.get().parameters().isEmpty()) {
      return Outcome.UNCHECKED;
    }
    Operation op = found.get();
    Map<String, String> pathValues = new java.util.HashMap<>();
    java.util.regex.Matcher m = op.path().matcher(path.isEmpty() ? "/" : path);
    if (m.matches()) {
      for (int i = 0; i < op.pathNames().size() && i < m.groupCount(); i++) {
        pathValues.put(
            op.pathNames().get(i),
            java.net.URLDecoder.decode(m.group(i + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    Set<Violation> out = new LinkedHashSet<>();
    for (Parameter p : op.parameters()) {
      List<String> values =
          switch (p.in()) {
            case "query" -> query.getOrDefault(p.name(), List.of());
            case "path" -> Optional.ofNullable(pathValues.get(p.name())).stream().toList();
            default -> header.apply(p.name()).stream().toList();
          };
      if (values.isEmpty()) {
        if (p.required()) {
          out.add(new Violation(Side.REQUEST.label(), p.place(), "required"));
        }
        continue;
      }
      Optional<Schema> schema = p.schema().flatMap(this::schema);
      if (schema.isEmpty()) {
        continue;
      }
      JsonNode instance =
          p.type().equals("array")
              ? Json.mapper().valueToTree(values)
              : scalar(values.get(0), p.type());
      try {
        for (com.networknt.schema.Error e :
            schema
                .get()
                .validate(
                    instance, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)))) {
          out.add(new Violation(Side.REQUEST.label(), p.place(), e.getKeyword()));
        }
      } catch (RuntimeException e) {
        LOG.warning("parameter check failed to run: " + e.getClass().getSimpleName());
      }
      if (out.size() >= MAX_VIOLATIONS) {
        break;
      }
    }
    return new Outcome(
        true,
        new ArrayList<>(out).subList(0, Math.min(out.size(), MAX_VIOLATIONS)),
        Optional.empty());
  }

  /** A parameter's text as the JSON value its schema's type reads it as (else a string). */
  private static JsonNode scalar(String text, String type) {
    com.fasterxml.jackson.databind.node.JsonNodeFactory f =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    try {
      switch (type) {
        case "integer" -> {
          return f.numberNode(new java.math.BigInteger(text.strip()));
        }
        case "number" -> {
          return f.numberNode(new java.math.BigDecimal(text.strip()));
        }
        case "boolean" -> {
          if (text.equals("true") || text.equals("false")) {
            return f.booleanNode(Boolean.parseBoolean(text));
          }
        }
        default -> {}
      }
    } catch (NumberFormatException e) {
      // left as text: the schema's type then fails it
    }
    return f.textNode(text);
  }

  /** Which body of an exchange. */
  enum Side {
    REQUEST,
    RESPONSE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What checking one body found.
   *
   * @param checked a schema applied to the body (false: no operation, no JSON schema, not JSON)
   * @param violations where and why it failed, empty when it passed or was not checked
   * @param dataTime the oldest data-time field of a response body, when it has one
   */
  record Outcome(boolean checked, List<Violation> violations, Optional<Instant> dataTime) {
    static final Outcome UNCHECKED = new Outcome(false, List.of(), Optional.empty());

    Outcome {
      violations = List.copyOf(violations);
    }
  }

  private SchemaValidation(JsonNode doc) {
    Dialect dialect =
        doc.path("openapi").asText("").startsWith("3.0")
            ? Dialects.getOpenApi30()
            : Dialects.getOpenApi31();
    String text = doc.toString();
    this.registry =
        SchemaRegistry.withDialect(
            dialect,
            b -> b.schemas(Map.of(BASE, text)).schemaLoader(l -> l.fetchRemoteResources(false)));
    this.operations = operations(doc);
    Set<String> fields = new LinkedHashSet<>();
    fields.add(DATA_TIME_FIELD);
    doc.path(DATA_TIME_EXTENSION).forEach(n -> fields.add(n.asText()));
    fields.remove("");
    this.dataTimeFields = Set.copyOf(fields);
  }

  static SchemaValidation of(OpenApiDocument doc) {
    return new SchemaValidation(doc.tree());
  }

  /**
   * Checks a request body of {@code method} on {@code path} (after the service code).
   *
   * @param contentType its media type, empty when none
   */
  Outcome request(String method, String path, String contentType, byte[] body) {
    Optional<Operation> op = operation(method, path);
    if (op.isEmpty() || op.get().request().isEmpty()) {
      return Outcome.UNCHECKED;
    }
    if (body.length == 0) {
      return Outcome.UNCHECKED;
    }
    return check(Side.REQUEST, op.get().request().get(), contentType, body);
  }

  /** Checks a response body of {@code status} to {@code method} on {@code path}. */
  Outcome response(String method, String path, int status, String contentType, byte[] body) {
    Optional<Operation> op = operation(method, path);
    if (op.isEmpty() || body.length == 0) {
      return Outcome.UNCHECKED;
    }
    Map<String, String> responses = op.get().responses();
    String exact = Integer.toString(status);
    String range = (status / 100) + "XX";
    Optional<String> pointer =
        Optional.ofNullable(responses.get(exact))
            .or(() -> Optional.ofNullable(responses.get(range)))
            .or(() -> Optional.ofNullable(responses.get("default")));
    if (pointer.isEmpty()) {
      return Outcome.UNCHECKED;
    }
    return check(Side.RESPONSE, pointer.get(), contentType, body);
  }

  private Outcome check(Side side, String pointer, String contentType, byte[] body) {
    if (!contentType.isEmpty() && !Minimisation.isJson(contentType)) {
      return Outcome.UNCHECKED;
    }
    JsonNode instance;
    try (InputStream in = new java.io.ByteArrayInputStream(body)) {
      instance = Json.mapper().readTree(in);
    } catch (IOException | RuntimeException e) {
      instance = null;
    }
    if (instance == null || instance.isMissingNode()) {
      return new Outcome(true, List.of(new Violation(side.label(), "", "json")), Optional.empty());
    }
    Optional<Schema> schema = schema(pointer);
    Optional<Instant> dataTime =
        side == Side.RESPONSE ? oldestDataTime(instance) : Optional.empty();
    if (schema.isEmpty()) {
      return new Outcome(false, List.of(), dataTime);
    }
    List<com.networknt.schema.Error> errors;
    try {
      errors =
          schema
              .get()
              .validate(instance, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
    } catch (RuntimeException e) {
      LOG.warning("schema check failed to run: " + e.getClass().getSimpleName());
      return new Outcome(false, List.of(), dataTime);
    }
    Set<Violation> out = new LinkedHashSet<>();
    for (com.networknt.schema.Error e : errors) {
      if (out.size() >= MAX_VIOLATIONS) {
        break;
      }
      String at = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
      if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
        at = at + "/" + e.getProperty().replace("~", "~0").replace("/", "~1");
      }
      out.add(new Violation(side.label(), generalised(at), e.getKeyword()));
    }
    return new Outcome(true, new ArrayList<>(out), dataTime);
  }

  /** Array indices become {@code *}, so one field's violations count together. */
  static String generalised(String pointer) {
    return pointer.replaceAll("/[0-9]+(?=/|$)", "/*");
  }

  private Optional<Schema> schema(String pointer) {
    return compiled.computeIfAbsent(
        pointer,
        p -> {
          try {
            Schema s = registry.getSchema(SchemaLocation.of(BASE + "#" + fragment(p)));
            return Optional.of(s);
          } catch (RuntimeException e) {
            // e.g. a $ref outside the document: the body is then recorded as not checked
            LOG.warning("schema at " + p + " cannot be used: " + e.getClass().getSimpleName());
            return Optional.empty();
          }
        });
  }

  /**
   * An RFC 6901 pointer as a URI fragment: all but unreserved characters and {@code /}
   * percent-encoded (a {@code +} left as is would be read back as a space).
   */
  static String fragment(String pointer) {
    StringBuilder b = new StringBuilder();
    for (byte c : pointer.getBytes(StandardCharsets.UTF_8)) {
      int ch = c & 0xff;
      if ((ch >= 'a' && ch <= 'z')
          || (ch >= 'A' && ch <= 'Z')
          || (ch >= '0' && ch <= '9')
          || "/-._~".indexOf(ch) >= 0) {
        b.append((char) ch);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", ch));
      }
    }
    return b.toString();
  }

  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  private Optional<Operation> operation(String method, String path) {
    String m = method.toLowerCase(Locale.ROOT);
    String p = path.isEmpty() ? "/" : path;
    for (Operation op : operations) {
      if (op.method().equals(m) && op.path().matcher(p).matches()) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }

  private static List<Operation> operations(JsonNode doc) {
    List<Operation> out = new ArrayList<>();
    // literal paths first, so /citizens/me wins over /citizens/{id}
    List<Map.Entry<String, JsonNode>> paths = new ArrayList<>();
    doc.path("paths").fields().forEachRemaining(paths::add);
    paths.sort((a, b) -> Boolean.compare(a.getKey().contains("{"), b.getKey().contains("{")));
    for (Map.Entry<String, JsonNode> path : paths) {
      if (!path.getValue().isObject()) {
        continue;
      }
      Pattern pattern = template(path.getKey());
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!OPERATIONS.contains(op.getKey())) {
          continue;
        }
        String base = "/paths/" + escape(path.getKey()) + "/" + op.getKey();
        Optional<String> request =
            jsonMediaPointer(
                op.getValue().path("requestBody").path("content"), base + "/requestBody/content");
        Map<String, String> responses = new java.util.HashMap<>();
        op.getValue()
            .path("responses")
            .fields()
            .forEachRemaining(
                r -> {
                  String status = r.getKey().toUpperCase(Locale.ROOT);
                  jsonMediaPointer(
                          r.getValue().path("content"),
                          base + "/responses/" + escape(r.getKey()) + "/content")
                      .ifPresent(
                          ptr -> responses.put(status.equals("DEFAULT") ? "default" : status, ptr));
                });
        Map<String, Parameter> params = new java.util.LinkedHashMap<>();
        for (JsonNode list :
            List.of(path.getValue().path("parameters"), op.getValue().path("parameters"))) {
          int i = 0;
          for (JsonNode raw : list) {
            String at =
                "/paths/"
                    + escape(path.getKey())
                    + (list == op.getValue().path("parameters") ? "/" + op.getKey() : "")
                    + "/parameters/"
                    + i++;
            JsonNode param = raw;
            String ref = raw.path("$ref").asText("");
            if (ref.startsWith("#/")) {
              at = ref.substring(1);
              param = doc.at(at);
            }
            String in = param.path("in").asText("");
            String name = param.path("name").asText("");
            if (!Set.of("query", "path", "header").contains(in) || name.isEmpty()) {
              continue;
            }
            JsonNode schema = param.path("schema");
            Optional<String> pointer =
                schema.isObject() ? Optional.of(at + "/schema") : Optional.empty();
            String type = schema.path("type").asText("");
            if (type.isEmpty() && schema.has("$ref")) {
              String sref = schema.path("$ref").asText("");
              type = sref.startsWith("#/") ? doc.at(sref.substring(1)).path("type").asText("") : "";
            }
            String key = in + "/" + (in.equals("header") ? name.toLowerCase(Locale.ROOT) : name);
            params.put(
                key,
                new Parameter(
                    in,
                    name,
                    in.equals("path") || param.path("required").asBoolean(false),
                    pointer,
                    type));
          }
        }
        out.add(
            new Operation(
                op.getKey(),
                pattern,
                templateNames(path.getKey()),
                request,
                Map.copyOf(responses),
                List.copyOf(params.values())));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The pointer to the schema of the JSON media type of a {@code content} object: {@code
   * application/json}, else a {@code +json} type, else {@code *}{@code /*}.
   */
  private static Optional<String> jsonMediaPointer(JsonNode content, String base) {
    if (!content.isObject()) {
      return Optional.empty();
    }
    String chosen = null;
    for (Iterator<String> names = content.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      String type = name.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!content.get(name).has("schema")) {
        continue;
      }
      if (type.equals("application/json")) {
        chosen = name;
        break;
      }
      if (chosen == null && (type.endsWith("+json") || type.equals("*/*"))) {
        chosen = name;
      }
    }
    return Optional.ofNullable(chosen).map(n -> base + "/" + escape(n) + "/schema");
  }

  /** The names of a path template's {@code {name}}s, in order. */
  private static List<String> templateNames(String path) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m = Pattern.compile("\\{([^}]+)\\}").matcher(path);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** A path template as a pattern: each {@code {name}} matches one path segment. */
  private static Pattern template(String path) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < path.length()) {
      int open = path.indexOf('{', i);
      int close = open < 0 ? -1 : path.indexOf('}', open);
      if (open < 0 || close < 0) {
        b.append(Pattern.quote(path.substring(i)));
        break;
      }
      if (open > i) {
        b.append(Pattern.quote(path.substring(i, open)));
      }
      b.append("([^/]+)");
      i = close + 1;
    }
    return Pattern.compile(b.toString());
  }

  /** The oldest value of a data-time field anywhere in the body, when one parses. */
  private Optional<Instant> oldestDataTime(JsonNode body) {
    Instant[] oldest = {null};
    visit(body, 0, oldest);
    return Optional.ofNullable(oldest[0]);
  }

  private void visit(JsonNode node, int depth, Instant[] oldest) {
    if (depth > 64) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (dataTimeFields.contains(f.getKey()) && f.getValue().isTextual()) {
          parseTime(f.getValue().textValue())
              .filter(t -> oldest[0] == null || t.isBefore(oldest[0]))
              .ifPresent(t -> oldest[0] = t);
        } else {
          visit(f.getValue(), depth + 1, oldest);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        visit(n, depth + 1, oldest);
      }
    }
  }

  /** An ISO-8601 date-time, with offset or (read in UTC+7) without. */
  static Optional<Instant> parseTime(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeException e) {
      try {
        return Optional.of(LocalDateTime.parse(text).toInstant(VIETNAM));
      } catch (DateTimeException again) {
        return Optional.empty();
      }
    }
  }

  /** The age of data last updated at {@code dataTime}, as at {@code now} (never negative). */
  static Duration age(Instant dataTime, Instant now) {
    Duration d = Duration.between(dataTime, now);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
