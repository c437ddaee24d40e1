import { completeCascade } from '../../application/cascades/complete.ts';
import { CompletionInput } from '../../application/cascades/work.ts';
import { lambdaHandler } from '../lambda/handler.ts';
import { cascadePorts } from '../lambda/cascade-wiring.ts';

/** Task CompleteCascade: succeeded, partial or failed, from the round's targets; unfinished ones are failed first. */
export const handler = lambdaHandler(CompletionInput, (input) => completeCascade(cascadePorts, input));
