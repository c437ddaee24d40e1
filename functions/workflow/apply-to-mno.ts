import { applyToMno } from '../../application/cascades/apply.ts';
import { TargetWork } from '../../application/cascades/work.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';

/** Task ApplyToMno (in the Map): one submission of the change to one MNO. */
export const handler = lambdaHandler(TargetWork, (work) => applyToMno(cascadePorts, work));
