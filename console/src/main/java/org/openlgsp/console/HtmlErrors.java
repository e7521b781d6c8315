package org.openlgsp.console;

import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openlgsp.core.LgspException;
import org.openlgsp.edge.spi.ErrorResponse;
import org.openlgsp.edge.spi.ErrorWriter;

/**
 * The console's failures as an HTML page in both languages (the request's language is not known to
 * an error writer), with the console's security headers; a failed sign-in says only that the
 * username or password was wrong or the account locked, never which.
 */
final class HtmlErrors implements ErrorWriter {
  private final TemplateEngine templates;

  HtmlErrors(TemplateEngine templates) {
    this.templates = templates;
  }

  @Override
  public ErrorResponse render(LgspException failure) {
    return render(failure, "", "");
  }

  /**
   * A 401 on a sign-in step says the credentials were refused; on any other page, that signing in
   * is needed (no session, or it ended).
   */
  @Override
  public ErrorResponse render(LgspException failure, String path, String accept) {
    int status = failure.code().httpStatus();
    boolean signIn = status == 401;
    String key = path.startsWith("/login") ? "login.failed" : "login.required";
    String vi = signIn ? Messages.get("vi", key) : failure.code().title();
    String en = signIn ? Messages.get("en", key) : failure.detail();
    StringOutput out = new StringOutput();
    templates.render(
        "error.jte",
        Map.of(
            "status",
            status,
            "codeName",
            failure.code().code(),
            "vi",
            vi,
            "en",
            en,
            "signIn",
            signIn),
        out);
    Map<String, String> headers = new LinkedHashMap<>(Console.SECURITY_HEADERS);
    headers.put("Content-Type", "text/html; charset=utf-8");
    return new ErrorResponse(status, headers, out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
