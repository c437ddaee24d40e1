import * as z from '../../domain/zod-mini.ts';
import type { WebhookEvent } from './event.ts';

/**
 * A retry of one delivery: references and the event only, never the secret (the attempt reads it
 * from the secret store). It is what a durable scheduler stores, so it is plain JSON.
 */
export const WebhookRetry = z.strictObject({
  tenant: z.string().check(z.minLength(1)),
  subscriptionId: z.string().check(z.minLength(1)),
  eventId: z.string().check(z.regex(/^[\w-]{1,128}$/)),
  /** The attempt this retry makes (the first attempt is 1, so a retry is 2 or more). */
  attempt: z.number().check(z.int(), z.gte(2)),
  /** Not before this instant (ISO 8601): a scheduler that can only wait so long hops until then. */
  dueAt: z.iso.datetime(),
  event: z.custom<WebhookEvent>((e) => typeof e === 'object' && e !== null && typeof (e as { 'detail-type'?: unknown })['detail-type'] === 'string'),
});
export type WebhookRetry = z.infer<typeof WebhookRetry>;

/**
 * Runs a delivery attempt again later (a port). Locally: in-process timers
 * (infra/local/webhooks/timer-scheduler.ts), so the first retries come within seconds and a
 * restart forgets pending ones. In AWS: a message per retry on an SQS queue with `DelaySeconds`
 * (functions/webhooks/sqs-retry-scheduler.ts), consumed by the retry Lambda
 * (functions/webhooks/retry-handler.ts), which hops again until `dueAt` for delays beyond SQS's 15
 * minutes. `schedule` resolves once the retry is durably scheduled where it runs, and rejects
 * when it could not be: the caller then fails, so that its own trigger retries (never a silent loss).
 */
export interface RetryScheduler {
  schedule(delayMs: number, retry: WebhookRetry): Promise<void>;
}

/** The local default: 1 s, 2 s, 4 s, 8 s, 30 s after the first attempt, then the delivery is parked. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 30_000];

/**
 * In AWS, a receiver gets about 28 hours to recover: the retries come 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h and 10 h after each failed attempt (the Standard Webhooks schedule), then the delivery is parked.
 */
export const AWS_RETRY_DELAYS_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
