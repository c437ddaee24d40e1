import * as z from '../../domain/zod-mini.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import { executeCommand } from '../command.ts';
import { loadState } from '../load-state.ts';
import { bulkStream } from '../stream-ids.ts';
import type { BulkPorts } from './ports.ts';
import { BulkInput } from './resolve.ts';

export const CompleteInput = z.extend(BulkInput, {
  /** What stopped the state machine before it reached completion (a Catch's error), if anything. */
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});
export type CompleteInput = z.infer<typeof CompleteInput>;

/**
 * Task CompleteBulk: every chunk the Map could not run has its SIMs failed (`not-processed`), then
 * the operation completes with its counts and a status from them. An operation whose selection
 * never finished completes `failed`, saying why.
 */
export const completeBulk = async (ports: BulkPorts, input: CompleteInput) => {
  const stream = bulkStream(input.tenant, input.bulkId);
  const loaded = await loadState(ports.store, bulkDecider, stream);
  const { state } = loaded;
  if (state.status === 'none') throw new DomainError('not-found', 'bulk-operation-not-found', `no bulk operation ${input.bulkId}`);
  if (state.status !== 'running') return { status: state.status };
  // An execution the reconciler has replaced does not complete the operation: the later attempt will.
  if (input.attempt !== state.attempt) return { status: state.status };
  const context = { actor: 'switchboard:bulk', correlationId: input.bulkId, region: ports.region };
  const why = input.error?.Error ?? 'the state machine stopped';
  if (!state.manifest) {
    const { state: done } = await executeCommand(ports.store, bulkDecider, stream, { type: 'CompleteBulkOperation', counts: { total: 0, succeeded: 0, failed: 0, skipped: 0 }, unresolved: `the selector could not be resolved (${why})` }, context, undefined, loaded);
    return { status: done.status };
  }
  const recorded = await ports.items.recordedChunks(stream);
  for (let chunk = 0; chunk < state.manifest.chunks; chunk++) {
    if (recorded.has(chunk)) continue;
    const { items } = await ports.items.chunk(stream, chunk);
    await ports.items.recordChunk(stream, chunk, items.map(({ eid }) => ({ eid, outcome: { outcome: 'failed', code: 'not-processed', reason: `its chunk did not run to the end (${why})` } })));
  }
  const { succeeded, failed, skipped, skippedBy } = await ports.items.counts(stream);
  const counts = { total: state.manifest.total, succeeded, failed, skipped };
  // A fallback that left SIMs on the MNO in outage raises the alert that names them.
  const away = state.request.action === 'enable-profile' ? state.request.awayFrom : undefined;
  const stranded = skippedBy['no-fallback'] ?? 0;
  const withoutFallback =
    away !== undefined && stranded > 0
      ? { mno: away, count: stranded, eids: (await ports.items.page(stream, { outcome: 'skipped', code: 'no-fallback', limit: 100 })).items.map((i) => i.eid) }
      : undefined;
  const { state: done } = await executeCommand(ports.store, bulkDecider, stream, { type: 'CompleteBulkOperation', counts, withoutFallback }, context, undefined, loaded);
  return { status: done.status };
};
