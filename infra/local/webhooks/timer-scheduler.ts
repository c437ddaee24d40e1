import { logger } from '../../../functions/logger.ts';
import type { RetryScheduler } from '../../../functions/webhooks/retry-scheduler.ts';

/**
 * The local RetryScheduler: in-process timers. Pending jobs live in memory only (a restart forgets
 * them; AWS would use SQS delays or EventBridge Scheduler, see the port). `stop()` cancels what is
 * pending and waits for what is running; `idle()` waits until nothing is pending or running.
 */
export const timerScheduler = () => {
  const pending = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  const scheduler: RetryScheduler = {
    schedule(delayMs, job) {
      if (stopped) return;
      const timer = setTimeout(() => {
        pending.delete(timer);
        const run: Promise<void> = job()
          .catch((error: unknown) => logger.error('scheduled webhook job failed', { error: (error as Error).name }))
          .finally(() => running.delete(run));
        running.add(run);
      }, Math.max(0, delayMs));
      pending.add(timer);
    },
  };

  return {
    ...scheduler,
    /** Jobs waiting for their time. */
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
