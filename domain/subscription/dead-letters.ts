import type { Decider } from '../decider.ts';
import { eventSchemas } from '../events.ts';
import { WebhookDeliveryEvents } from './events.ts';
import { DomainError } from '../errors.ts';
import type { WebhookDeliveryEvent } from './events.ts';

export interface DeadLetter {
  eventId: string;
  detailType: string;
  attempts: number;
  lastError: string;
  parkedAt: string;
}

export type DeadLetterCommand =
  /** Every attempt failed: park the delivery (once; a repeat while parked changes nothing). */
  | { type: 'ParkDelivery'; eventId: string; detailType: string; attempts: number; lastError: string; at: string }
  /** A redelivery of a parked event was tried: it went through, or it failed and stays parked. */
  | { type: 'RecordRedelivery'; eventId: string; outcome: { delivered: true } | { delivered: false; lastError: string }; at: string };

/** The parked deliveries of one subscription, oldest first. */
export type DeadLettersState = readonly DeadLetter[];

export const deadLetter = (state: DeadLettersState, eventId: string) => state.find((d) => d.eventId === eventId);

export const deadLettersDecider: Decider<DeadLetterCommand, WebhookDeliveryEvent, DeadLettersState> = {
  events: eventSchemas(WebhookDeliveryEvents),
  initialState: [],

  decide(command, state) {
    const parked = deadLetter(state, command.eventId);
    if (command.type === 'ParkDelivery') {
      if (parked) return [];
      const { eventId, detailType, attempts, lastError, at } = command;
      return [{ type: 'WebhookDeliveryParked', data: { eventId, detailType, attempts, lastError, parkedAt: at } }];
    }
    if (!parked) throw new DomainError('not-found', 'dead-letter-not-found', 'no parked delivery of this event');
    if (command.outcome.delivered) return [{ type: 'WebhookRedelivered', data: { eventId: command.eventId, redeliveredAt: command.at } }];
    return [
      {
        type: 'WebhookDeliveryParked',
        data: { ...parked, attempts: parked.attempts + 1, lastError: command.outcome.lastError, parkedAt: command.at },
      },
    ];
  },

  evolve(state, event) {
    if (event.type === 'WebhookRedelivered') return state.filter((d) => d.eventId !== event.data.eventId);
    const { eventId } = event.data;
    return deadLetter(state, eventId) ? state.map((d) => (d.eventId === eventId ? { ...event.data } : d)) : [...state, { ...event.data }];
  },
};
