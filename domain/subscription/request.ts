import * as z from '../zod-mini.ts';
import { EVENT_CATALOGUE } from '../event-catalogue.ts';
import { EventTypeFilter, WEBHOOK_EVENT_TYPES } from './events.ts';
import { webhookUrlProblem, type UrlPolicy } from './url.ts';

/** The event types a subscription may name: every catalogued type except the webhooks' own. */
export const SUBSCRIBABLE_EVENT_TYPES: ReadonlySet<string> = new Set(
  Object.values(EVENT_CATALOGUE)
    .flatMap((events) => Object.keys(events))
    .filter((type) => !WEBHOOK_EVENT_TYPES.has(type)),
);

/**
 * `{ url, eventTypes }` as a tenant asks for a subscription. The URL follows the SSRF stance of
 * url.ts and is stored as parsed (normalised); `*` stands for every event type, alone.
 */
export const SubscriptionRequest = (policy: UrlPolicy) =>
  z.pipe(
    z.strictObject({
      url: z.string().check(
        z.superRefine((url, ctx) => {
          const problem = webhookUrlProblem(url, policy);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      ),
      eventTypes: z
        .array(EventTypeFilter.check(z.refine((t) => t === '*' || SUBSCRIBABLE_EVENT_TYPES.has(t), 'not a known event type (see GET /v1/events/schemas)')))
        .check(z.minLength(1, 'name at least one event type, or *'), z.maxLength(100)),
    }),
    z.transform(({ url, eventTypes }) => ({
      url: new URL(url).href,
      eventTypes: eventTypes.includes('*') ? ['*'] : [...new Set(eventTypes)],
    })),
  );
export type SubscriptionRequest = z.infer<ReturnType<typeof SubscriptionRequest>>;
