import { deadLetter, deadLettersDecider, type DeadLetter } from '../../domain/subscription/dead-letters.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Subscription } from '../../domain/subscription/decider.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import type { WebhookEvent } from './event.ts';
import { attemptDelivery, type WebhookPorts } from './ports.ts';
import { subscriptionStream } from './streams.ts';

/** Parked deliveries are recorded by the worker, not by a person. */
export const WEBHOOK_WORKER = 'switchboard:webhooks';

/** Parks: conflicts are likely when many deliveries to one receiver fail together, hence the generous bound. */
const PARK_ATTEMPTS = 25;

const correlationOf = (event: WebhookEvent, eventId: string) => {
  const id = (event.detail as { metadata?: { correlationId?: unknown } } | null)?.metadata?.correlationId;
  return typeof id === 'string' ? id : eventId;
};

/** Every attempt failed: keep the event for redelivery, then record the dead letter on the subscription's stream. */
export const park = async (ports: WebhookPorts, tenant: string, subscriptionId: string, event: WebhookEvent, eventId: string, attempts: number, lastError: string) => {
  await ports.payloads.put(tenant, subscriptionId, event, eventId);
  await executeCommand(
    ports.store,
    deadLettersDecider,
    subscriptionStream(tenant, subscriptionId),
    { type: 'ParkDelivery', eventId, detailType: event['detail-type'], attempts, lastError, at: new Date().toISOString() },
    { actor: WEBHOOK_WORKER, correlationId: correlationOf(event, eventId), region: ports.region },
    PARK_ATTEMPTS,
  );
};

export const deadLettersOf = async (ports: Pick<WebhookPorts, 'store'>, tenant: string, subscriptionId: string): Promise<readonly DeadLetter[]> =>
  (await loadState(ports.store, deadLettersDecider, subscriptionStream(tenant, subscriptionId))).state;

export interface Redelivery {
  eventId: string;
  delivered: boolean;
  /** Still parked (delivery failed again): the dead letter as it is now. */
  deadLetter?: DeadLetter | undefined;
}

/** Tries a parked delivery once, now, and records the outcome: WebhookRedelivered, or parked again. */
export const redeliver = async (ports: WebhookPorts, tenant: string, subscription: Subscription, eventId: string, context: CommandContext): Promise<Redelivery> => {
  const stream = subscriptionStream(tenant, subscription.id);
  const loaded = await loadState(ports.store, deadLettersDecider, stream);
  const parked = deadLetter(loaded.state, eventId);
  if (!parked) throw new DomainError('not-found', 'dead-letter-not-found', 'no parked delivery of this event');
  const event = await ports.payloads.get(tenant, subscription.id, eventId);
  if (!event)
    throw new DomainError('conflict', 'dead-letter-payload-unavailable', 'the parked event is kept in the region that parked it (the publishing region): redeliver it there');
  const sent = await attemptDelivery(ports, tenant, subscription, event, eventId);
  const outcome = sent.delivered ? { delivered: true as const } : { delivered: false as const, lastError: sent.error };
  const { state } = await executeCommand(ports.store, deadLettersDecider, stream, { type: 'RecordRedelivery', eventId, outcome, at: new Date().toISOString() }, context, PARK_ATTEMPTS, loaded);
  return { eventId, delivered: sent.delivered, deadLetter: deadLetter(state, eventId) };
};
