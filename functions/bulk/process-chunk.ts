import { ChunkInput, processChunk } from '../../application/bulk/process-chunk.ts';
import { bulkPorts } from '../lambda/bulk-wiring.ts';
import { lambdaHandler } from '../lambda/handler.ts';

/** Task ProcessChunk (a child of the Distributed Map): each SIM of one chunk gets its command; the outcomes are recorded once. */
export const handler = lambdaHandler(ChunkInput, (input) => processChunk(bulkPorts, input));
