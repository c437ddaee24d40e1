import { planCascade } from '../../application/cascades/plan.ts';
import { CascadeInput } from '../../application/cascades/work.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';

/** Task PlanCascade (manifest/cascade.asl.json): the round's targets, those that get no work recorded as skipped. */
export const handler = lambdaHandler(CascadeInput, (input) => planCascade(cascadePorts, input));
