package org.openlgsp.testpeers;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints one line for each test or class skipped because a peer is missing, and at the end of the
 * run (one module's tests under surefire) how many were skipped for which peer and how to run them.
 * Registered through {@code META-INF/services}, so every module with this one on its test class
 * path reports.
 */
public final class PeerSkipReport implements TestExecutionListener {
  private static final Pattern PEER = Pattern.compile("^peer (\\S+) ");

  private final PrintStream out;
  private final Map<String, Integer> skipped = new LinkedHashMap<>();
  private TestPlan plan;

  public PeerSkipReport() {
    this(System.out);
  }

  PeerSkipReport(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
    skipped.clear();
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    record(id, reason);
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
      result.getThrowable().map(Throwable::getMessage).ifPresent(m -> record(id, m));
    }
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
    summary().ifPresent(out::println);
    out.flush();
  }

  /** "N tests skipped because peers are missing: ..." or empty when none was. */
  synchronized Optional<String> summary() {
    if (skipped.isEmpty()) {
      return Optional.empty();
    }
    int total = skipped.values().stream().mapToInt(Integer::intValue).sum();
    return Optional.of(
        total
            + (total == 1 ? " test" : " tests")
            + " skipped because peers are missing: "
            + skipped.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "))
            + " — run .ci/run or set -Dlgsp.<peer>.required=true");
  }

  private synchronized void record(TestIdentifier id, String reason) {
    if (reason == null) {
      return;
    }
    Matcher m = PEER.matcher(reason);
    if (!m.find()) {
      return;
    }
    out.println("SKIPPED (" + reason + "): " + name(id));
    out.flush();
    skipped.merge(m.group(1), tests(id), Integer::sum);
  }

  /** A skipped class counts its tests (at least one: parameterized ones are not known yet). */
  private int tests(TestIdentifier id) {
    if (id.isTest() || plan == null) {
      return 1;
    }
    return (int)
        Math.max(1, plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count());
  }

  private static String name(TestIdentifier id) {
    Object source = id.getSource().orElse(null);
    if (source instanceof ClassSource c) {
      return simple(c.getClassName());
    }
    if (source instanceof MethodSource m) {
      String name = simple(m.getClassName()) + "." + m.getMethodName();
      return id.getDisplayName().startsWith("[") ? name + " " + id.getDisplayName() : name;
    }
    return id.getDisplayName();
  }

  private static String simple(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
