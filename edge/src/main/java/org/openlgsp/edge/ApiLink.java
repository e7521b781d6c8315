package org.openlgsp.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where another node's API is asked and the file holding the bearer token it takes, as a
 * configuration names them ({@code url}, {@code tokenFile}): the registry's citizen data tracker
 * asking the gateways' ledger APIs, and its console asking their operator APIs (monitoring,
 * statistics, alerts). The token itself is never in the configuration.
 *
 * @param url the API's base URL, {@code http://} or {@code https://}
 * @param tokenFile the file holding the token, relative to the configuration's folder
 */
public record ApiLink(String url, String tokenFile) {
  public ApiLink {
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("url must be an http(s):// URL");
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (tokenFile == null || tokenFile.isBlank()) {
      throw new IllegalArgumentException("tokenFile is required");
    }
  }

  /** The token: the content of {@code tokenFile}, resolved against {@code base}, stripped. */
  public String token(Path base) {
    Path file = base.resolve(tokenFile);
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty()) {
        throw new IllegalArgumentException("tokenFile " + file + " is empty");
      }
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenFile " + file, e);
    }
  }

  @Override
  public String toString() {
    return "ApiLink[" + url + ", " + tokenFile + "]"; // the file's name, never its content
  }
}
