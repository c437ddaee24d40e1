import { BusEvent } from '../../application/bus-events.ts';
import { placeProfileOrder } from '../../application/sims/order-profile.ts';
import { activationCodes } from '../lambda/eim-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { smdpOf } from '../lambda/smdp-wiring.ts';
import { adapters, config } from '../lambda/wiring.ts';

/** Rule `order-profile`: a requested profile ordered from the MNO's SM-DP+ (application/sims/order-profile.ts). */
export const handler = lambdaHandler(BusEvent, (event) =>
  placeProfileOrder({ store: adapters.eventStore, region: config.region, smdp: smdpOf, activationCodes: activationCodes() }, event),
);
