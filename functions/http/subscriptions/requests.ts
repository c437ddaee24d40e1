import * as z from '../../../domain/zod-mini.ts';

/**
 * The subscription routes' request schemas defined here (a subscription's own body is the domain's
 * SubscriptionRequest, built with the deployment's URL policy): the handlers parse with them and
 * the OpenAPI document describes them. Reads no environment.
 */

/** POST …/dead-letters/{eventId}/redeliver: nothing, or an empty object. */
export const RedeliverBody = z.strictObject({});
