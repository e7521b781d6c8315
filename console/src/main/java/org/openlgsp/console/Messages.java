package org.openlgsp.console;

import java.util.Locale;
import java.util.ResourceBundle;

/**
 * The console's message bundles: {@code messages_vi.properties} (the default) and {@code
 * messages_en.properties}, read as UTF-8.
 */
final class Messages {
  static final String BUNDLE = "org.openlgsp.console.messages";

  private Messages() {}

  static String get(String lang, String key) {
    return ResourceBundle.getBundle(BUNDLE, Locale.of(lang)).getString(key);
  }
}
