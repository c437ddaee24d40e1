import { logger } from '../../../adapters/observability/logger.ts';
import type { RetryScheduler, WebhookRetry } from '../../../application/webhooks/retry-scheduler.ts';

/** When a retry itself fails (its next retry or parking could not be recorded), it is run again after this long. */
const RERUN_AFTER_MS = 5_000;

/**
 * The local RetryScheduler: in-process timers that hand each retry to `run` when it is due.
 * Pending retries live in memory only (a restart forgets them; AWS uses SQS, see the port); a
 * retry that fails is run again a little later rather than dropped. `stop()` cancels what is
 * pending and waits for what is running; `idle()` waits until nothing is pending or running.
 */
export const timerScheduler = (run: (retry: WebhookRetry) => Promise<void>) => {
  const pending = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const later = (delayMs: number, retry: WebhookRetry) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      pending.delete(timer);
      const attempt: Promise<void> = run(retry)
        .catch((error: unknown) => {
          logger.error('scheduled webhook retry failed; running it again', { eventId: retry.eventId, attempt: retry.attempt, error: (error as Error).name });
          later(RERUN_AFTER_MS, retry);
        })
        .finally(() => running.delete(attempt));
      running.add(attempt);
    }, Math.max(0, delayMs));
    pending.add(timer);
  };

  const scheduler: RetryScheduler = {
    async schedule(delayMs, retry) {
      later(delayMs, retry);
    },
  };

  return {
    ...scheduler,
    /** Retries waiting for their time. */
    get pending() {
      return pending.size;
    },
    async idle() {
      while (pending.size > 0 || running.size > 0) await (running.size > 0 ? Promise.allSettled([...running]) : new Promise((ok) => setTimeout(ok, 10)));
    },
    async stop() {
      stopped = true;
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
};
