import { verifyOnMno } from '../../application/cascades/verify.ts';
import { TargetWork } from '../../application/cascades/work.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';

/** Task VerifyOnMno (in the Map): reads back what the MNO enforces; a difference is drift. */
export const handler = lambdaHandler(TargetWork, (work) => verifyOnMno(cascadePorts, work));
