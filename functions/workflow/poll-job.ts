import { pollJob } from '../../application/cascades/poll.ts';
import { TargetWork } from '../../application/cascades/work.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';

/** Task PollJob (in the Map): how an asynchronous CMP's job is doing. */
export const handler = lambdaHandler(TargetWork, (work) => pollJob(cascadePorts, work));
