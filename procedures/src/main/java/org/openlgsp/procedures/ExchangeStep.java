package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;
import org.flowable.bpmn.model.FlowElement;
import org.flowable.bpmn.model.ServiceTask;
import org.flowable.common.engine.api.delegate.Expression;
import org.flowable.engine.delegate.BpmnError;
import org.flowable.engine.delegate.DelegateExecution;
import org.flowable.engine.delegate.DelegateHelper;
import org.flowable.engine.delegate.JavaDelegate;
import org.openlgsp.core.Json;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;

/**
 * Every service task of a procedure ({@code flowable:delegateExpression="${exchange}"}): one call
 * of another agency's service through the node's consumer gateway.
 *
 * <p>Fields of the task: {@code service} (a name from {@code ProceduresOptions.services}), {@code
 * path} (below the service), optionally {@code method} (default POST) and {@code timeout} (ISO-8601
 * duration). The body is {@code {"maHoSo", "hoSo", "ketQua": {step: answer, ...}}}; headers:
 * {@value #IDEMPOTENCY_KEY} (case code + "/" + step id, the same on every try), {@code
 * X-Road-Issue} (the purpose stated when the case was filed, with the case code) and {@code
 * X-Road-UserId} (the officer). A 2xx JSON answer is kept as {@code ketQua.<step>}; 5xx, 408, 429,
 * timeouts and unreachable gateways are tried again (the engine's retries); any other answer is a
 * refusal for good: the step throws BPMN error {@value #REFUSED}, which the procedure catches to
 * compensate.
 */
final class ExchangeStep implements JavaDelegate {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String REFUSED = "BUOC_BI_TU_CHOI";
  static final String ABANDON = "huyBoBoiCanBo";
  static final String FAILED_STEP = "buocThatBai";
  static final String FAILURE = "lyDoThatBai";
  static final String RESULTS = "ketQua";
  private static final Logger LOG = Logger.getLogger("org.openlgsp.procedures");
  private final GatewayClient gateway;
  private final Function<String, ServiceId> services;
  private final Duration defaultTimeout;

  ExchangeStep(GatewayClient gateway, Function<String, ServiceId> services, Duration timeout) {
    this.gateway = gateway;
    this.services = services;
    this.defaultTimeout = timeout;
  }

  @Override
  public void execute(DelegateExecution execution) {
    FlowElement element = execution.getCurrentFlowElement();
    String step = element.getId();
    boolean compensation = element instanceof ServiceTask t && t.isForCompensation();
    String code = (String) execution.getVariable(Cases.CODE);
    if (!compensation && Boolean.TRUE.equals(execution.getVariable(ABANDON))) {
      refuse(execution, step, "cancelled by an operator while waiting");
    }
    ServiceId service = services.apply(field(execution, "service", null));
    String path = field(execution, "path", "");
    String method = field(execution, "method", "POST");
    Duration timeout = timeout(field(execution, "timeout", ""));
    ObjectNode body = Json.mapper().createObjectNode();
    body.put(Cases.CODE, code);
    body.set(Cases.DOSSIER, (JsonNode) execution.getVariable(Cases.DOSSIER));
    body.set(RESULTS, results(execution));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(IDEMPOTENCY_KEY, code + "/" + step);
    headers.put("X-Road-Issue", issue(code, (String) execution.getVariable(Cases.PURPOSE)));
    headers.put("X-Road-UserId", (String) execution.getVariable(Cases.OFFICER));
    GatewayClient.Reply reply;
    try {
      reply = gateway.call(service, method, path, Json.write(body), headers, timeout);
    } catch (StepFailure e) {
      throw e;
    } catch (RuntimeException e) { // connection refused, read timeout: try again later
      throw new StepFailure(service + path + " unreachable: " + e.getClass().getSimpleName(), e);
    }
    int s = reply.status();
    if (s >= 200 && s < 300) {
      JsonNode answer;
      try {
        answer = Json.read(reply.body(), JsonNode.class);
      } catch (LgspException | UncheckedIOException e) {
        answer = null;
      }
      if (answer == null || !answer.isObject()) {
        throw new StepFailure(
            service + path + " answered " + s + " with a body that is no JSON object", true);
      }
      ObjectNode all = results(execution);
      all.set(step, answer);
      execution.setVariable(RESULTS, all);
      LOG.fine(() -> "case " + code + " step " + step + " done, message " + reply.messageId());
      return;
    }
    if (s >= 500 || s == 408 || s == 429 || s == 425) {
      throw new StepFailure(service + path + " answered " + s, true);
    }
    if (compensation) { // a refused undo cannot itself be compensated: an operator decides
      throw new StepFailure(service + path + " refused the compensation with " + s, true);
    }
    refuse(execution, step, service + path + " refused with " + s);
  }

  /**
   * The purpose as the gateway records it: the case code, a space, and the stated purpose
   * percent-encoded in UTF-8 (HTTP header values are ASCII; Vietnamese purposes are not).
   */
  static String issue(String code, String purpose) {
    return code + " " + URLEncoder.encode(purpose, StandardCharsets.UTF_8);
  }

  private static void refuse(DelegateExecution execution, String step, String why) {
    execution.setVariable(FAILED_STEP, step);
    execution.setVariable(FAILURE, why);
    throw new BpmnError(REFUSED, why);
  }

  private static ObjectNode results(DelegateExecution execution) {
    Object r = execution.getVariable(RESULTS);
    return r instanceof ObjectNode o ? o.deepCopy() : Json.mapper().createObjectNode();
  }

  private static String field(DelegateExecution execution, String name, String otherwise) {
    Expression e = DelegateHelper.getFieldExpression(execution, name);
    if (e == null) {
      if (otherwise == null) {
        throw new StepFailure(
            "step " + execution.getCurrentActivityId() + " has no " + name, false);
      }
      return otherwise;
    }
    return String.valueOf(e.getValue(execution));
  }

  private Duration timeout(String iso) {
    if (iso.isEmpty()) {
      return defaultTimeout;
    }
    try {
      return Duration.parse(iso);
    } catch (DateTimeParseException e) {
      throw new StepFailure("timeout is no ISO-8601 duration: " + iso, false);
    }
  }
}
