package org.openlgsp.console;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * What every page template is given: the language and its messages, the signed-in account (if any),
 * the session's anti-forgery token, the path the page was asked for and, on a gateway node's own
 * console ({@link NodeConsole}), that node's id (its pages' navigation).
 */
public record View(
    String lang, Optional<Account> user, String csrf, String path, Optional<String> node) {
  static final String DEFAULT_LANG = "vi";

  public View {
    if (!lang.equals("vi") && !lang.equals("en")) {
      throw new IllegalArgumentException("lang is vi or en");
    }
    node = node == null ? Optional.empty() : node;
  }

  /** A page of the registry's console. */
  public View(String lang, Optional<Account> user, String csrf, String path) {
    this(lang, user, csrf, path, Optional.empty());
  }

  /** The message {@code key} in this page's language, {@code args} put in its {0}, {1}... */
  public String t(String key, Object... args) {
    String pattern = ResourceBundle.getBundle(Messages.BUNDLE, Locale.of(lang)).getString(key);
    return args.length == 0 ? pattern : new MessageFormat(pattern, Locale.of(lang)).format(args);
  }

  public String otherLang() {
    return lang.equals("vi") ? "en" : "vi";
  }

  /** The language switch's link: back to this page in the other language. */
  public String switchLanguageHref() {
    return "/lang?to="
        + otherLang()
        + "&back="
        + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8);
  }

  public boolean mayReadAudit() {
    return user.map(a -> Console.AUDIT_READERS.contains(a.role())).orElse(false);
  }

  /** The account administration pages (accounts, trust anchor import) are a platform's. */
  public boolean isPlatformAdmin() {
    return user.map(a -> a.role() == ConsoleRole.PLATFORM_ADMIN).orElse(false);
  }

  public boolean maySearchSubjects() {
    return user.map(a -> AuditPages.SUBJECT_READERS.contains(a.role())).orElse(false);
  }
}
