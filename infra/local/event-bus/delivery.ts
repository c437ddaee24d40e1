import type { RuleTarget } from '../../../manifest/rules.ts';
import type { BusEvent } from './put-events.ts';

/** How often a target is tried again after failing, and the first delay (doubled each time, jittered). */
export interface RetryPolicy {
  retries: number;
  baseDelayMs: number;
}

/** A delivery that failed every attempt: what EventBridge would send to the target's dead-letter queue. */
export interface DeadLetter {
  event: BusEvent;
  rule: string;
  target: RuleTarget['kind'];
  attempts: number;
  error: string;
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Tries `send` once and then up to `policy.retries` more times with exponential backoff and jitter
 * (EventBridge retries failed target invocations the same way, for much longer); resolves with
 * the dead letter when every attempt failed, else with nothing. Never rejects.
 */
export const deliver = async (
  send: () => Promise<void>,
  policy: RetryPolicy,
  letter: Omit<DeadLetter, 'attempts' | 'error'>,
): Promise<DeadLetter | undefined> => {
  let error: unknown;
  for (let attempt = 1; attempt <= policy.retries + 1; attempt++) {
    if (attempt > 1) await sleep(policy.baseDelayMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
    try {
      await send();
      return undefined;
    } catch (e) {
      error = e;
    }
  }
  return { ...letter, attempts: policy.retries + 1, error: error instanceof Error ? error.message : String(error) };
};
