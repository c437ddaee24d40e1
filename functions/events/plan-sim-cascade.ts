import { BusEvent } from '../../application/bus-events.ts';
import { planSimCascade } from '../../application/cascades/plan-sim-cascade.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { adapters, config } from '../lambda/wiring.ts';
import { startCascade } from '../lambda/cascade-start-wiring.ts';

/** Rule `plan-sim-cascade`: a SIM lifecycle change becomes a cascade to the MNO of its enabled profile, started at once. */
export const handler = lambdaHandler(BusEvent, (event) => planSimCascade(adapters.eventStore, config.region, event, startCascade));
