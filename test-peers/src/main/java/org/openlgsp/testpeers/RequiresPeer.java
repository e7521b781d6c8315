package org.openlgsp.testpeers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The annotated test class or method needs these peers: it is skipped (one line on stdout) when one
 * is missing, or fails when its {@code -Dlgsp.<peer>.required=true} is set.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PeerExtension.class)
public @interface RequiresPeer {
  Peer[] value();
}
