package org.openlgsp.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A service's OpenAPI 3 document (JSON or YAML) as a provider registered it: the endpoints X-Road's
 * {@code listMethods} lists, and the text {@code getOpenAPI} returns with its server addresses
 * reduced to their paths, as X-Road's security server does, so a backend's host is not disclosed.
 */
public final class OpenApiDocument {
  /** The HTTP methods an OpenAPI path item can hold, in the order they are listed. */
  private static final Set<String> OPERATIONS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static final ObjectMapper JSON = bounded(new ObjectMapper());
  private static final YAMLMapper YAML =
      (YAMLMapper) bounded(new YAMLMapper(YAMLFactory.builder().build()));

  private final JsonNode tree;
  private final boolean json;

  /** An endpoint: upper-case method and path, each path template parameter as {@code *}. */
  public record Endpoint(String method, String path) {
    public Endpoint {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
    }
  }

  private OpenApiDocument(JsonNode tree, boolean json) {
    this.tree = tree;
    this.json = json;
  }

  /**
   * Reads {@code text} as JSON, else as YAML.
   *
   * @throws LgspException {@code request.malformed} when it is neither, is not an OpenAPI 3
   *     document, or its {@code paths} is not an object
   */
  public static OpenApiDocument parse(String text) {
    JsonNode tree;
    boolean json = true;
    try {
      tree = JSON.readTree(text);
    } catch (JsonProcessingException notJson) {
      json = false;
      try {
        tree = YAML.readTree(text);
      } catch (JsonProcessingException | RuntimeException e) {
        throw malformed("the OpenAPI document is neither JSON nor YAML");
      }
    }
    if (tree == null || !tree.isObject()) {
      throw malformed("the OpenAPI document is not an object");
    }
    JsonNode version = tree.get("openapi");
    if (version == null || !version.isTextual() || !version.textValue().startsWith("3.")) {
      throw malformed("the OpenAPI document must declare openapi: 3.x");
    }
    JsonNode paths = tree.get("paths"); // optional since OpenAPI 3.1
    if (paths != null && !paths.isObject()) {
      throw malformed("the OpenAPI document's paths must be an object");
    }
    return new OpenApiDocument(tree, json);
  }

  /** True when the document was JSON (it is returned as JSON), false for YAML. */
  public boolean isJson() {
    return json;
  }

  /** A copy of the document's tree, for schema validation (docs/privacy.md, "Data quality"). */
  public JsonNode tree() {
    return tree.deepCopy();
  }

  /** Every operation, in document order. */
  public List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = tree.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      if (!path.getValue().isObject()) {
        continue;
      }
      for (Iterator<String> ops = path.getValue().fieldNames(); ops.hasNext(); ) {
        String op = ops.next();
        if (OPERATIONS.contains(op)) {
          out.add(new Endpoint(op.toUpperCase(Locale.ROOT), templateAsWildcard(path.getKey())));
        }
      }
    }
    return out;
  }

  /**
   * The document with every {@code servers[].url} that holds no template variable reduced to its
   * path, in the format it was registered in.
   */
  public String anonymised() {
    JsonNode copy = tree.deepCopy();
    JsonNode servers = copy.get("servers");
    if (servers != null && servers.isArray()) {
      for (JsonNode server : servers) {
        JsonNode url = server.get("url");
        if (server instanceof ObjectNode o
            && url != null
            && url.isTextual()
            && !(url.textValue().contains("{") && url.textValue().contains("}"))) {
          o.put("url", pathOf(url.textValue()));
        }
      }
    }
    try {
      return json ? JSON.writeValueAsString(copy) : YAML.writeValueAsString(copy);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot re-encode a parsed OpenAPI document", e);
    }
  }

  private static String pathOf(String url) {
    try {
      String path = new URI(url).getRawPath();
      return path == null ? "" : path;
    } catch (URISyntaxException e) {
      return "";
    }
  }

  /** Each path template parameter ({@code {petId}}) becomes {@code *}, as X-Road lists it. */
  private static String templateAsWildcard(String path) {
    StringBuilder b = new StringBuilder(path.length());
    int i = 0;
    while (i < path.length()) {
      char c = path.charAt(i);
      int close = c == '{' ? path.indexOf('}', i) : -1;
      if (close > i) {
        b.append('*');
        i = close + 1;
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString();
  }

  private static <M extends ObjectMapper> M bounded(M mapper) {
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(4_000_000)
                .build());
    return mapper;
  }

  private static LgspException malformed(String detail) {
    return new LgspException(ErrorCode.REQUEST_MALFORMED, detail);
  }
}
