import * as z from '../zod-mini.ts';

/** A subscription's id: a UUID chosen by the API when it is created. */
export const SubscriptionId = z.uuid({ error: 'a subscription id is a UUID' });
