/**
 * Runs a delivery attempt again later (a port). Locally: in-process timers
 * (infra/local/webhooks/timer-scheduler.ts), so the first retries come within seconds and a
 * restart forgets pending ones. In AWS this would be durable: a message per retry on an SQS queue
 * with `DelaySeconds` (up to 15 minutes) consumed by the delivery Lambda, or for longer delays a
 * one-time EventBridge Scheduler schedule (`at(...)`, `ActionAfterCompletion: DELETE`) targeting
 * that Lambda. The job then carries only references (tenant, subscription id, event), never the secret.
 */
export interface RetryScheduler {
  schedule(delayMs: number, job: () => Promise<void>): void;
}

/** The local default: 1 s, 2 s, 4 s, 8 s, 30 s after the first attempt, then the delivery is parked. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 30_000];
