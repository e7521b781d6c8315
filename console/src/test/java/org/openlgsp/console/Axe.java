package org.openlgsp.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core (Deque's accessibility engine, WCAG 2.x rules; WebJar {@code org.webjars.npm:axe-core},
 * test scope) run in the page the browser shows: the script is handed to the page through WebDriver
 * (which the page's Content-Security-Policy does not govern), then {@code axe.run} checks the whole
 * document. Public for the testkit's browser tests.
 */
public final class Axe {
  private static final String SCRIPT = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
  private static final String SOURCE = load();

  private Axe() {}

  /** A rule broken on the page: its id, impact, what it asks for and where (CSS selectors). */
  public record Violation(String rule, String impact, String help, List<String> where) {
    /** Serious and critical violations fail the console's tests. */
    public boolean blocking() {
      return impact.equals("serious") || impact.equals("critical");
    }

    @Override
    public String toString() {
      return impact + " " + rule + " (" + help + ") at " + where;
    }
  }

  private static String load() {
    try (InputStream in = Axe.class.getClassLoader().getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException("axe-core is not on the test class path: " + SCRIPT);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every violation axe finds in the page {@code browser} shows. */
  @SuppressWarnings("unchecked")
  public static List<Violation> check(WebDriver browser) {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
      js.executeScript(SOURCE);
    }
    Object answer =
        js.executeAsyncScript(
            "var done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']})"
                + ".then(function (r) { done(r.violations.map(function (v) { return {"
                + " id: v.id, impact: v.impact || 'minor', help: v.help,"
                + " where: v.nodes.map(function (n) { return n.target.join(' '); }) }; })); })"
                + ".catch(function (e) { done('axe failed: ' + e); });");
    if (answer instanceof String failure) {
      throw new IllegalStateException(failure);
    }
    List<Violation> found = new ArrayList<>();
    for (Object o : (List<Object>) answer) {
      Map<String, Object> v = (Map<String, Object>) o;
      found.add(
          new Violation(
              (String) v.get("id"),
              (String) v.get("impact"),
              (String) v.get("help"),
              ((List<Object>) v.get("where")).stream().map(String::valueOf).toList()));
    }
    return found;
  }

  /** The serious and critical violations of the page {@code browser} shows. */
  public static List<Violation> blocking(WebDriver browser) {
    return check(browser).stream().filter(Violation::blocking).toList();
  }
}
