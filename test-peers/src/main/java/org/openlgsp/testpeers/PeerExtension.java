package org.openlgsp.testpeers;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What {@link RequiresPeer} does: a missing peer disables the class or method (the reason is the
 * skip line), unless it is required, then the test fails before it runs.
 *
 * <p>Properties are read as JUnit configuration parameters, which fall back to system properties;
 * {@value #PATH_PARAMETER} replaces the PATH (this module's own tests use both, so that they do not
 * depend on the machine or on the {@code -Dlgsp.*.required} CI sets).
 */
final class PeerExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
  static final String PATH_PARAMETER = "lgsp.peers.path";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Peers peers = peers(context);
    for (Peer peer : declared(context)) {
      Optional<String> why = peers.whyMissing(peer);
      if (why.isPresent() && !peers.required(peer)) {
        return ConditionEvaluationResult.disabled(Peers.skipReason(peer, why.get()));
      }
    }
    return ConditionEvaluationResult.enabled("peers available or required");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    checkDeclared(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    checkDeclared(context);
  }

  /** Only reached when each declared peer is available or required: fails for the latter. */
  private static void checkDeclared(ExtensionContext context) {
    Peers peers = peers(context);
    for (Peer peer : declared(context)) {
      peers.check(peer);
    }
  }

  /** Peers named on this very element (a method's own annotation, or its class's for the class). */
  private static List<Peer> declared(ExtensionContext context) {
    return context
        .getElement()
        .flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresPeer.class))
        .map(a -> List.of(a.value()))
        .orElse(List.of());
  }

  private static Peers peers(ExtensionContext context) {
    Optional<String> path = context.getConfigurationParameter(PATH_PARAMETER);
    if (path.isEmpty()) {
      return new Peers(k -> context.getConfigurationParameter(k).orElse(null), System::getenv);
    }
    return new Peers(
        k -> context.getConfigurationParameter(k).orElse(null),
        k -> k.equals("PATH") ? path.get() : System.getenv(k));
  }
}
