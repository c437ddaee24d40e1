import { recordFailure } from '../../application/cascades/fail.ts';
import { TargetWork } from '../../application/cascades/work.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';

/** Task RecordFailure (in the Map): the target failed after its retries, or at once for a permanent error. */
export const handler = lambdaHandler(TargetWork, (work) => recordFailure(cascadePorts, work));
