package org.openlgsp.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How the provider's gateway checks a service's requests and responses against its registered
 * OpenAPI document (docs/privacy.md, "Data quality"): not at all, recording violations while the
 * exchange passes, or refusing a violating request or response.
 */
public enum SchemaCheck {
  OFF,
  WARN,
  BLOCK;

  /** The text form the registry stores and the signed directory carries. */
  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode named {@code text}.
   *
   * @throws LgspException {@code request.malformed} when it is not {@code off}, {@code warn} or
   *     {@code block}
   */
  @JsonCreator
  public static SchemaCheck parse(String text) {
    for (SchemaCheck c : values()) {
      if (c.text().equals(text)) {
        return c;
      }
    }
    throw new LgspException(ErrorCode.REQUEST_MALFORMED, "schema check must be off, warn or block");
  }

  /**
   * For {@code JsonInclude(CUSTOM)}: {@link #OFF} is left out of the JSON, so directories whose
   * services are not checked stay readable by gateways that predate the field.
   */
  public static final class OffFilter {
    @Override
    public boolean equals(Object other) {
      return other == null || other == OFF;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}
