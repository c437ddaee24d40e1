import { SelectInput, selectSims } from '../../application/bulk/resolve.ts';
import { bulkPorts } from '../lambda/bulk-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';

/** Task SelectSims: the selector resolved into the manifest's chunks (again, from where it stopped, until done). */
export const handler = lambdaHandler(SelectInput, (input) => selectSims(bulkPorts, input));
