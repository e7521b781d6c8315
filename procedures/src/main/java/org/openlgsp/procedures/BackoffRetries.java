package org.openlgsp.procedures;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import org.flowable.common.engine.impl.interceptor.Command;
import org.flowable.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.flowable.engine.impl.persistence.entity.ExecutionEntity;
import org.flowable.engine.impl.util.CommandContextUtil;
import org.flowable.job.service.JobService;
import org.flowable.job.service.TimerJobService;
import org.flowable.job.service.impl.asyncexecutor.FailedJobCommandFactory;
import org.flowable.job.service.impl.persistence.entity.AbstractRuntimeJobEntity;
import org.flowable.job.service.impl.persistence.entity.JobEntity;

/**
 * What the engine does with a step's job that failed: as Flowable's own {@code JobRetryCmd}
 * (decrement the retries, keep the failure, dead-letter the job when none are left) but with the
 * wait before the next try drawn by exponential backoff with full jitter ({@link
 * ProceduresOptions.Retries}) instead of a fixed cycle.
 */
final class BackoffRetries implements FailedJobCommandFactory {
  private static final int MAX_MESSAGE = 1000;
  private final ProceduresOptions.Retries retries;

  BackoffRetries(ProceduresOptions.Retries retries) {
    this.retries = retries;
  }

  @Override
  public Command<Object> getCommand(String jobId, Throwable exception) {
    return ctx -> {
      ProcessEngineConfigurationImpl cfg = CommandContextUtil.getProcessEngineConfiguration(ctx);
      JobService jobs = cfg.getJobServiceConfiguration().getJobService();
      TimerJobService timers = cfg.getJobServiceConfiguration().getTimerJobService();
      JobEntity job = jobs.findJobById(jobId);
      if (job == null) {
        return null;
      }
      if (job.getExecutionId() != null) {
        ExecutionEntity execution =
            CommandContextUtil.getExecutionEntityManager(ctx).findById(job.getExecutionId());
        if (execution != null) {
          execution.setActive(false);
        }
      }
      int left = job.getRetries();
      AbstractRuntimeJobEntity next;
      if (left <= 1) {
        next = jobs.moveJobToDeadLetterJob(job);
      } else {
        next = timers.moveJobToTimerJob(job);
        int attempt = Math.max(retries.maxAttempts() - left + 1, 1);
        long ceiling = retries.ceiling(attempt).toMillis();
        long wait = ThreadLocalRandom.current().nextLong(ceiling + 1);
        next.setDuedate(new Date(cfg.getClock().getCurrentTime().getTime() + wait));
      }
      next.setRetries(left - 1);
      if (exception != null) {
        String m = String.valueOf(exception.getMessage());
        next.setExceptionMessage(m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m);
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        next.setExceptionStacktrace(trace.toString());
      }
      return null;
    };
  }
}
