import { logger } from '../../adapters/observability/logger.ts';
import { BusEvent } from '../../application/bus-events.ts';
import { placeProfileOrder } from '../../application/sims/order-profile.ts';
import { activationCodes } from '../lambda/eim-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { smdpOf } from '../lambda/smdp-wiring.ts';
import { dynamoDbRateLimiter } from '../../adapters/mno-rate/dynamodb-rate-limiter.ts';
import { adapters, config, dynamodb, env } from '../lambda/wiring.ts';

/** Rule `order-profile`: a requested profile ordered from the MNO's SM-DP+ (application/sims/order-profile.ts). */
export const handler = lambdaHandler(BusEvent, async (event) => {
  const outcome = await placeProfileOrder({ store: adapters.eventStore, region: config.region, smdp: smdpOf, admit: dynamoDbRateLimiter(dynamodb, env.MNO_RATE_TABLE), activationCodes: activationCodes() }, event);
  // What the tenant is not told (its reason is generic): the operators' to see.
  if (outcome && 'error' in outcome && outcome.error) logger.error('profile order failed', { orderId: outcome.orderId, error: outcome.error });
  return outcome && { orderId: outcome.orderId, status: outcome.status };
});
