package org.openlgsp.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.flowable.bpmn.converter.BpmnXMLConverter;
import org.flowable.bpmn.model.BpmnModel;
import org.flowable.bpmn.model.FlowElement;
import org.flowable.bpmn.model.ImplementationType;
import org.flowable.bpmn.model.ServiceTask;
import org.flowable.common.engine.api.FlowableException;
import org.flowable.common.engine.impl.util.io.InputStreamSource;
import org.flowable.engine.HistoryService;
import org.flowable.engine.ManagementService;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.ProcessEngineConfiguration;
import org.flowable.engine.RepositoryService;
import org.flowable.engine.RuntimeService;
import org.flowable.engine.history.HistoricActivityInstance;
import org.flowable.engine.history.HistoricProcessInstance;
import org.flowable.engine.impl.cfg.StandaloneProcessEngineConfiguration;
import org.flowable.engine.repository.ProcessDefinition;
import org.flowable.job.api.Job;
import org.flowable.variable.api.history.HistoricVariableInstance;
import org.openlgsp.core.ErrorCode;
import org.openlgsp.core.LgspException;
import org.openlgsp.core.ServiceId;

/**
 * The procedure engine of a node (docs/procedures.md): an embedded Flowable process engine on the
 * node's PostgreSQL, its async executor running every step as a job (so a step survives a crash and
 * is retried), {@link ExchangeStep} calling the agencies through the consumer gateway, and cases
 * looked up by their code.
 */
public final class Procedures implements AutoCloseable {
  /** The namespace of OpenLGSP's attributes in a BPMN file. */
  public static final String BPMN_NAMESPACE = "https://openlgsp.org/bpmn";

  /** The reference definition of procedure group 1 (Decree 63/2024): birth, residence, card. */
  public static final String BIRTH_GROUP = "lienThongKhaiSinh";

  /**
   * The reference definition of procedure group 2 (Decree 63/2024): death registration,
   * deregistration of permanent residence, funeral allowance.
   */
  public static final String DEATH_GROUP = "lienThongKhaiTu";

  /** The reference definitions, deployed at start: groups 1 and 2. */
  static final List<String> REFERENCES =
      List.of(
          "procedures/lien-thong-khai-sinh.bpmn20.xml", "procedures/lien-thong-khai-tu.bpmn20.xml");

  private static final String DELEGATE = "${exchange}";
  private static final Logger LOG = Logger.getLogger("org.openlgsp.procedures");
  private static final Set<String> HISTORY_TYPES =
      Set.of("startEvent", "serviceTask", "endEvent", "boundaryEvent", "intermediateThrowEvent");

  private final ProceduresOptions options;
  private final Clock clock;
  private final WorkingCalendar calendar;
  private final HikariDataSource dataSource;
  private final ProcessEngine engine;
  private final Optional<ProceduresHttp> http;
  private final SignedAttachments attachments;
  private final Optional<Notifications> notifications;
  private final java.util.concurrent.Semaphore filings;

  private Procedures(
      ProceduresOptions options, Clock clock, HikariDataSource dataSource, ProcessEngine engine) {
    this.options = options;
    this.clock = clock;
    this.calendar = WorkingCalendar.vietnam(Set.copyOf(options.holidays()));
    this.dataSource = dataSource;
    this.engine = engine;
    this.attachments = new SignedAttachments(options.directory(), clock);
    this.filings = new java.util.concurrent.Semaphore(options.executor().filings(), true);
    this.notifications =
        options
            .notices()
            .map(
                n ->
                    new Notifications(
                        n,
                        options.database(),
                        options.jobPoll(),
                        clock,
                        this::find,
                        this::dossierOf));
    this.http = options.api().map(api -> new ProceduresHttp(this, api, options.database()));
  }

  /**
   * Opens the engine's tables (creating or upgrading them), deploys the reference procedures when
   * they changed, and starts the job executor and the API.
   *
   * @throws LgspException {@code procedure.database_unsupported} for anything but PostgreSQL
   */
  public static Procedures start(ProceduresOptions options, Clock clock) {
    if (!options.database().startsWith("jdbc:postgresql:")) {
      throw new LgspException(
          ErrorCode.PROCEDURES_UNAVAILABLE,
          "procedures need a PostgreSQL database (jdbc:postgresql:...): the embedded process"
              + " engine (Flowable) has no SQLite support, see docs/procedures.md");
    }
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(options.database());
    hc.setMaximumPoolSize(options.executor().connections());
    hc.setMinimumIdle(2); // opened as load needs them: the database serves other nodes too
    hc.setPoolName("procedures");
    HikariDataSource ds = new HikariDataSource(hc);
    try {
      StandaloneProcessEngineConfiguration c = new StandaloneProcessEngineConfiguration();
      c.setDataSource(ds);
      c.setDatabaseType("postgres");
      schemaOf(options.database()).ifPresent(c::setDatabaseSchema);
      c.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
      c.setEngineName("lgsp-procedures-" + schemaOf(options.database()).orElse("public"));
      c.setDisableIdmEngine(true);
      c.setDisableEventRegistry(true);
      c.setEnableSafeBpmnXml(true);
      // ids made in place: Flowable's default takes blocks of ids from the database in a
      // transaction of their own, which needs a second connection while the thread holds one; with
      // every connection held by a step (each runs inside its transaction) no thread got one and
      // the whole engine stood for the pool's 30 s timeout (ProcedureBenchmark, BENCHMARKS.md)
      c.setIdGenerator(new org.flowable.common.engine.impl.persistence.StrongUuidGenerator());
      c.setAsyncExecutorActivate(true);
      c.setAsyncExecutorCorePoolSize(options.executor().threads());
      c.setAsyncExecutorMaxPoolSize(options.executor().threads());
      c.setAsyncExecutorThreadPoolQueueSize(options.executor().queueSize());
      c.setAsyncExecutorNumberOfRetries(options.retries().maxAttempts());
      c.setFailedJobCommandFactory(new BackoffRetries(options.retries()));
      int poll = (int) options.jobPoll().toMillis();
      c.setAsyncExecutorDefaultAsyncJobAcquireWaitTime(poll);
      c.setAsyncExecutorDefaultTimerJobAcquireWaitTime(poll);
      c.setAsyncExecutorResetExpiredJobsInterval(Math.max(poll, 1000));
      // a job's lock outlives the longest call, so no other executor takes it meanwhile
      c.setAsyncExecutorAsyncJobLockTimeInMillis(
          (int) (options.stepTimeout().toMillis() * 2 + 5_000));
      GatewayClient gateway = new GatewayClient(options.gateway(), clock);
      Map<Object, Object> beans = new HashMap<>();
      beans.put(
          "exchange",
          new ExchangeStep(gateway, name -> service(options, name), options.stepTimeout()));
      c.setBeans(beans);
      // status changes, written to the notices' outbox in the engine's transaction (Notifications)
      options
          .notices()
          .ifPresent(
              n ->
                  c.setEventListeners(
                      List.of(new Notifications.Listener(Notifications.channels(n), clock))));
      ProcessEngine engine = c.buildProcessEngine();
      Procedures p = new Procedures(options, clock, ds, engine);
      for (String reference : REFERENCES) {
        try (InputStream in = Procedures.class.getClassLoader().getResourceAsStream(reference)) {
          p.deploy(reference.substring(reference.lastIndexOf('/') + 1), in.readAllBytes());
        } catch (IOException e) {
          p.close();
          throw new UncheckedIOException(e);
        }
      }
      return p;
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  private static ServiceId service(ProceduresOptions options, String name) {
    ServiceId s = options.services().get(name);
    if (s == null) {
      throw new StepFailure("no service configured for step service name " + name, false);
    }
    return s;
  }

  private static Optional<String> schemaOf(String url) {
    int q = url.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    for (String p : url.substring(q + 1).split("&")) {
      if (p.startsWith("currentSchema=")) {
        return Optional.of(p.substring("currentSchema=".length()));
      }
    }
    return Optional.empty();
  }

  /**
   * Checks and deploys a BPMN 2.0 file (unchanged files are not deployed again).
   *
   * @return the keys of the procedures it defines
   * @throws LgspException {@code procedure.invalid} naming what is wrong
   */
  public List<String> deploy(String name, byte[] bpmn) {
    BpmnModel model = check(name, bpmn);
    RepositoryService repo = engine.getRepositoryService();
    try {
      repo.createDeployment()
          .name(name)
          .addBytes(name.endsWith(".bpmn20.xml") ? name : name + ".bpmn20.xml", bpmn)
          .enableDuplicateFiltering()
          .deploy();
    } catch (FlowableException e) {
      throw new LgspException(ErrorCode.PROCEDURE_INVALID, name + ": " + firstLine(e));
    }
    return model.getProcesses().stream().map(p -> p.getId()).toList();
  }

  private BpmnModel check(String name, byte[] bpmn) {
    refuseDoctype(name, bpmn);
    BpmnModel model;
    try {
      model =
          new BpmnXMLConverter()
              .convertToBpmnModel(
                  new InputStreamSource(new ByteArrayInputStream(bpmn)), true, true);
    } catch (RuntimeException e) {
      throw new LgspException(ErrorCode.PROCEDURE_INVALID, name + ": " + firstLine(e));
    }
    if (model.getProcesses().isEmpty()) {
      throw new LgspException(ErrorCode.PROCEDURE_INVALID, name + " defines no process");
    }
    for (var process : model.getProcesses()) {
      if (!process.isExecutable()) {
        throw new LgspException(
            ErrorCode.PROCEDURE_INVALID, process.getId() + " is not marked executable");
      }
      String sla = process.getAttributeValue(BPMN_NAMESPACE, "slaWorkingDays");
      if (sla == null || !sla.matches("[0-9]{1,3}")) {
        throw new LgspException(
            ErrorCode.PROCEDURE_INVALID,
            process.getId() + " needs lgsp:slaWorkingDays (its time limit in working days)");
      }
      for (FlowElement e : process.getFlowElements()) {
        if (e instanceof ServiceTask t) {
          checkStep(process.getId(), t);
        }
      }
    }
    return model;
  }

  private void checkStep(String process, ServiceTask t) {
    String where = process + "/" + t.getId();
    if (!ImplementationType.IMPLEMENTATION_TYPE_DELEGATEEXPRESSION.equals(t.getImplementationType())
        || !DELEGATE.equals(t.getImplementation())) {
      throw new LgspException(
          ErrorCode.PROCEDURE_INVALID,
          where
              + ": every service task is an exchange, flowable:delegateExpression=\"${exchange}\"");
    }
    if (!t.isAsynchronous() && !t.isForCompensation()) {
      throw new LgspException(
          ErrorCode.PROCEDURE_INVALID,
          where + ": steps run as jobs (flowable:async=\"true\"), so a failure is retried");
    }
    String service =
        t.getFieldExtensions().stream()
            .filter(f -> f.getFieldName().equals("service"))
            .map(f -> f.getStringValue())
            .findFirst()
            .orElse(null);
    String timeout =
        t.getFieldExtensions().stream()
            .filter(f -> f.getFieldName().equals("timeout"))
            .map(f -> f.getStringValue())
            .findFirst()
            .orElse("");
    if (!timeout.isEmpty()) {
      java.time.Duration d;
      try {
        d = java.time.Duration.parse(timeout);
      } catch (java.time.format.DateTimeParseException e) {
        d = java.time.Duration.ZERO;
      }
      if (d.isZero() || d.isNegative() || d.compareTo(options.stepTimeout()) > 0) {
        throw new LgspException(
            ErrorCode.PROCEDURE_INVALID,
            where + ": timeout must be an ISO-8601 duration up to " + options.stepTimeout());
      }
    }
    if (service == null || !options.services().containsKey(service)) {
      throw new LgspException(
          ErrorCode.PROCEDURE_INVALID,
          where + ": field service must name a configured service, not " + service);
    }
  }

  /** No DTD, no entities: a BPMN file is plain XML (checked with a hardened StAX reader). */
  private static void refuseDoctype(String name, byte[] bpmn) {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    try {
      XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(bpmn));
      while (r.hasNext()) {
        if (r.next() == XMLStreamConstants.DTD) {
          throw new LgspException(ErrorCode.PROCEDURE_INVALID, name + ": DOCTYPE not allowed");
        }
      }
    } catch (XMLStreamException e) {
      throw new LgspException(
          ErrorCode.PROCEDURE_INVALID, name + " is not well-formed XML: " + firstLine(e));
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse(m);
  }

  /**
   * Files a case: its code, its time limit, and the first step queued (the call returns before any
   * agency is asked).
   *
   * @param procedure a deployed procedure's key
   * @param purpose why the agencies are asked (recorded on every exchange)
   * @param officer the officer receiving the case (recorded on every exchange)
   * @param dossier the application (hồ sơ), as the procedure's steps expect it
   */
  public CaseView file(String procedure, String purpose, String officer, JsonNode dossier) {
    if (purpose.isBlank() || officer.isBlank()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "purpose and officer are required");
    }
    if (!dossier.isObject()) {
      throw new LgspException(ErrorCode.REQUEST_MALFORMED, "the dossier must be a JSON object");
    }
    ProcessDefinition def =
        engine
            .getRepositoryService()
            .createProcessDefinitionQuery()
            .processDefinitionKey(procedure)
            .latestVersion()
            .singleResult();
    if (def == null) {
      throw new LgspException(ErrorCode.PROCEDURE_UNKNOWN, "no procedure " + procedure);
    }
    int days =
        Integer.parseInt(
            engine
                .getRepositoryService()
                .getBpmnModel(def.getId())
                .getProcessById(procedure)
                .getAttributeValue(BPMN_NAMESPACE, "slaWorkingDays"));
    // before anything exists: a refused certificate or notice leaves no case behind
    Map<String, Object> attached = attachments.check(dossier);
    Instant now = clock.instant();
    String code = Cases.newCode(options.agency(), now, calendar.zone());
    Map<String, Object> vars = new HashMap<>();
    vars.put(Cases.CODE, code);
    vars.put(Cases.DOSSIER, dossier.deepCopy());
    vars.put(Cases.PURPOSE, purpose);
    vars.put(Cases.OFFICER, officer);
    vars.put(Cases.DUE, Date.from(calendar.due(now, days)));
    vars.putAll(attached);
    // a bounded number at once: starting a case holds a connection and takes a second after its
    // commit (Executor#connections); unbounded filings could hold the whole pool, each waiting
    filings.acquireUninterruptibly();
    try {
      engine
          .getRuntimeService()
          .createProcessInstanceBuilder()
          .processDefinitionId(def.getId())
          .businessKey(code)
          .variables(vars)
          .start();
    } finally {
      filings.release();
    }
    LOG.info(() -> "case " + code + " filed for " + procedure);
    return find(code).orElseThrow();
  }

  /** The case with that code, as its citizen sees it. */
  public Optional<CaseView> find(String code) {
    if (!Cases.looksLikeCode(code)) {
      return Optional.empty();
    }
    HistoryService h = engine.getHistoryService();
    HistoricProcessInstance pi =
        h.createHistoricProcessInstanceQuery().processInstanceBusinessKey(code).singleResult();
    return pi == null ? Optional.empty() : Optional.of(view(pi));
  }

  /**
   * The case with that code when {@code idLast4} are the last four digits of the personal ID of
   * whoever filed it (the declarant {@code nguoiYeuCau}, else the mother {@code me}): what the
   * citizen's own page shows. Empty alike for an unknown code and for wrong digits, so the page
   * tells a guesser nothing; the digits are compared in constant time.
   */
  public Optional<CaseView> findForApplicant(String code, String idLast4) {
    if (!idLast4.matches("[0-9]{4}")) {
      return Optional.empty();
    }
    Optional<CaseView> view = find(code);
    String id =
        view.flatMap(v -> dossierOf(code)).map(Procedures::applicantId).orElse("0000000000000");
    boolean match =
        java.security.MessageDigest.isEqual(
            id.substring(Math.max(0, id.length() - 4)).getBytes(StandardCharsets.US_ASCII),
            idLast4.getBytes(StandardCharsets.US_ASCII));
    return match ? view : Optional.empty();
  }

  /** The filer's personal ID in a dossier of either reference procedure; blank when none. */
  private static String applicantId(JsonNode dossier) {
    for (String pointer : List.of("/nguoiYeuCau/soDinhDanh", "/me/soDinhDanh")) {
      String id = dossier.at(pointer).asText("");
      if (id.matches("[0-9]{9,12}")) {
        return id;
      }
    }
    return "";
  }

  private CaseView view(HistoricProcessInstance pi) {
    HistoryService h = engine.getHistoryService();
    Map<String, Object> vars = new HashMap<>();
    for (HistoricVariableInstance v :
        h.createHistoricVariableInstanceQuery().processInstanceId(pi.getId()).list()) {
      if (v.getValue() != null) {
        vars.put(v.getVariableName(), v.getValue());
      }
    }
    List<CaseView.Event> events = new ArrayList<>();
    for (HistoricActivityInstance a :
        h.createHistoricActivityInstanceQuery()
            .processInstanceId(pi.getId())
            .orderByHistoricActivityInstanceStartTime()
            .asc()
            .list()) {
      if (!HISTORY_TYPES.contains(a.getActivityType())) {
        continue;
      }
      String name = a.getActivityName() == null ? a.getActivityId() : a.getActivityName();
      events.add(
          new CaseView.Event(a.getStartTime().toInstant(), a.getActivityId(), name, "started"));
      if (a.getEndTime() != null) {
        events.add(
            new CaseView.Event(a.getEndTime().toInstant(), a.getActivityId(), name, "completed"));
      }
    }
    events.sort(Comparator.comparing(CaseView.Event::at));
    Instant due = ((Date) vars.get(Cases.DUE)).toInstant();
    Optional<CaseView.Waiting> waiting = Optional.empty();
    CaseView.Status status;
    CaseView.Sla sla;
    if (pi.getEndTime() == null) {
      List<Job> dead = deadLetterJobs(pi.getId());
      if (dead.isEmpty()) {
        status = CaseView.Status.IN_PROGRESS;
      } else {
        status = CaseView.Status.WAITING_FOR_OPERATOR;
        Job j = dead.getFirst();
        waiting =
            Optional.of(
                new CaseView.Waiting(j.getElementId(), String.valueOf(j.getExceptionMessage())));
      }
      Instant now = clock.instant();
      if (now.isAfter(due)) {
        sla = CaseView.Sla.OVERDUE;
      } else if (calendar.workingDaysLeft(now, due) <= options.slaWarningWorkingDays()) {
        sla = CaseView.Sla.AT_RISK;
      } else {
        sla = CaseView.Sla.ON_TIME;
      }
    } else {
      if (pi.getDeleteReason() != null) {
        status = CaseView.Status.CANCELLED;
      } else if (vars.containsKey(ExchangeStep.FAILED_STEP)) {
        status = CaseView.Status.COMPENSATED;
      } else {
        status = CaseView.Status.COMPLETED;
      }
      sla = pi.getEndTime().toInstant().isAfter(due) ? CaseView.Sla.MISSED : CaseView.Sla.MET;
    }
    return new CaseView(
        pi.getBusinessKey(),
        pi.getProcessDefinitionKey(),
        status,
        pi.getStartTime().toInstant(),
        due,
        sla,
        events,
        waiting);
  }

  /** Cases whose step failed every try, oldest first. */
  public List<CaseView> waitingForOperator() {
    ManagementService m = engine.getManagementService();
    List<String> ids =
        m.createDeadLetterJobQuery().list().stream()
            .map(Job::getProcessInstanceId)
            .distinct()
            .toList();
    return casesOf(ids);
  }

  /** Running cases at risk of missing, or past, their time limit. */
  public List<CaseView> atRisk() {
    List<String> ids =
        engine.getRuntimeService().createProcessInstanceQuery().list().stream()
            .map(p -> p.getId())
            .toList();
    return casesOf(ids).stream()
        .filter(c -> c.sla() == CaseView.Sla.AT_RISK || c.sla() == CaseView.Sla.OVERDUE)
        .toList();
  }

  private List<CaseView> casesOf(List<String> processInstanceIds) {
    if (processInstanceIds.isEmpty()) {
      return List.of();
    }
    return engine
        .getHistoryService()
        .createHistoricProcessInstanceQuery()
        .processInstanceIds(Set.copyOf(processInstanceIds))
        .orderByProcessInstanceStartTime()
        .asc()
        .list()
        .stream()
        .map(this::view)
        .toList();
  }

  /**
   * An operator tries the waiting step again, with a fresh set of tries.
   *
   * @throws LgspException {@code procedure.case_unknown}, or {@code procedure.case_state} when no
   *     step of the case waits for an operator
   */
  public CaseView retry(String code) {
    List<Job> dead = deadLetters(code);
    String procedure =
        engine
            .getRepositoryService()
            .getProcessDefinition(dead.getFirst().getProcessDefinitionId())
            .getKey();
    ManagementService m = engine.getManagementService();
    // one transaction: the jobs moved back and the notices of the case running again
    m.executeCommand(
        ctx -> {
          for (Job j : dead) {
            m.moveDeadLetterJobToExecutableJob(j.getId(), options.retries().maxAttempts());
          }
          options
              .notices()
              .ifPresent(
                  n ->
                      Notifications.recordInCommand(
                          ctx,
                          Notifications.channels(n),
                          code,
                          procedure,
                          CaseView.Status.IN_PROGRESS,
                          clock.instant()));
          return null;
        });
    LOG.info(() -> "case " + code + ": waiting step retried by an operator");
    return find(code).orElseThrow();
  }

  /**
   * An operator gives up the waiting step: the case is compensated as if the agency had refused
   * (what the earlier steps did is undone). A waiting undo step itself is not tried again: the case
   * stops as {@code CANCELLED}, and what is left to undo is the operator's.
   */
  public CaseView cancel(String code) {
    List<Job> dead = deadLetters(code);
    RuntimeService rt = engine.getRuntimeService();
    String instance = dead.getFirst().getProcessInstanceId();
    boolean undoing =
        dead.stream()
            .anyMatch(
                j -> {
                  FlowElement e =
                      engine
                          .getRepositoryService()
                          .getBpmnModel(j.getProcessDefinitionId())
                          .getFlowElement(j.getElementId());
                  return e instanceof ServiceTask t && t.isForCompensation();
                });
    if (undoing) {
      rt.deleteProcessInstance(instance, "cancelled by an operator while undoing");
    } else {
      rt.setVariable(instance, ExchangeStep.ABANDON, true);
      for (Job j : dead) {
        engine.getManagementService().moveDeadLetterJobToExecutableJob(j.getId(), 1);
      }
    }
    LOG.info(() -> "case " + code + ": cancelled by an operator");
    return find(code).orElseThrow();
  }

  /** The dossier the case was filed with. */
  private Optional<JsonNode> dossierOf(String code) {
    HistoricProcessInstance pi =
        engine
            .getHistoryService()
            .createHistoricProcessInstanceQuery()
            .processInstanceBusinessKey(code)
            .singleResult();
    if (pi == null) {
      return Optional.empty();
    }
    HistoricVariableInstance v =
        engine
            .getHistoryService()
            .createHistoricVariableInstanceQuery()
            .processInstanceId(pi.getId())
            .variableName(Cases.DOSSIER)
            .singleResult();
    return v != null && v.getValue() instanceof JsonNode n ? Optional.of(n) : Optional.empty();
  }

  private List<Job> deadLetters(String code) {
    HistoricProcessInstance pi =
        Cases.looksLikeCode(code)
            ? engine
                .getHistoryService()
                .createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(code)
                .singleResult()
            : null;
    if (pi == null) {
      throw new LgspException(ErrorCode.CASE_UNKNOWN, "no case " + code);
    }
    List<Job> dead = deadLetterJobs(pi.getId());
    if (dead.isEmpty()) {
      throw new LgspException(
          ErrorCode.CASE_STATE_CONFLICT, "case " + code + " has no step waiting for an operator");
    }
    return dead;
  }

  private List<Job> deadLetterJobs(String processInstanceId) {
    return engine
        .getManagementService()
        .createDeadLetterJobQuery()
        .processInstanceId(processInstanceId)
        .list();
  }

  /**
   * Whether the engine's database answers a validity check within two seconds (a node's readiness).
   *
   * @return a short description when it does
   * @throws LgspException {@code procedures.unavailable} saying why not
   */
  public String checkDatabase() {
    try (java.sql.Connection c = dataSource.getConnection()) {
      if (!c.isValid(2)) {
        throw new LgspException(
            ErrorCode.PROCEDURES_UNAVAILABLE, "the database did not answer within 2 s");
      }
      return "postgresql reachable";
    } catch (java.sql.SQLException e) {
      throw new LgspException(
          ErrorCode.PROCEDURES_UNAVAILABLE, "database unreachable: " + e.getMessage());
    }
  }

  /** The notices' outbox, when notifications are configured (for the case API). */
  Optional<Notifications> notifications() {
    return notifications;
  }

  /** The case API's port, when it listens. */
  public Optional<Integer> apiPort() {
    return http.map(ProceduresHttp::port);
  }

  @Override
  public void close() {
    http.ifPresent(ProceduresHttp::close);
    notifications.ifPresent(Notifications::close);
    try {
      engine.close();
    } catch (org.flowable.common.engine.api.FlowableOptimisticLockingException e) {
      // Stopping, the executor hands back the jobs it had taken; one its thread finished at the
      // same moment is already gone. Nothing is lost: a job still locked is taken again when its
      // lock expires, as after a crash.
      LOG.info(() -> "engine stopped with a job finishing meanwhile: " + e.getMessage());
    } finally {
      dataSource.close();
    }
  }
}
