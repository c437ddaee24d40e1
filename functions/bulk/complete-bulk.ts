import { CompleteInput, completeBulk } from '../../application/bulk/complete.ts';
import { bulkPorts } from '../lambda/bulk-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';

/** Task CompleteBulk: chunks that did not run are failed, then the operation completes with its counts. */
export const handler = lambdaHandler(CompleteInput, (input) => completeBulk(bulkPorts, input));
