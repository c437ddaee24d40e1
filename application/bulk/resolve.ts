import { selectsEids, selectsOperation } from '../../domain/bulk/request.ts';
import * as z from '../../domain/zod-mini.ts';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import type { Selector } from '../../domain/bulk/request.ts';
import { DomainError } from '../../domain/errors.ts';
import { executeCommand } from '../command.ts';
import { loadState } from '../load-state.ts';
import { bulkStream } from '../stream-ids.ts';
import type { BulkPorts } from './ports.ts';

/** The operation a selector names is still running (the state machine retries this one patiently). */
export class SourceOperationRunning extends Error {
  override readonly name = 'SourceOperationRunning';
  constructor(operation: string) {
    super(`bulk operation ${operation} is still running: its SIMs are selected once it has ended`);
  }
}

/**
 * SIMs per chunk: a child of the Distributed Map runs one chunk, and its outcomes, its mark and the
 * counts are written in one transaction (at most 100 writes).
 */
export const CHUNK_SIZE = 98;

/** One invocation selects for at most this long, then hands back where it got to (the state machine calls again). */
export const SELECT_BUDGET_MS = 20_000;

export const BulkInput = z.object({
  tenant: z.string().check(z.minLength(1)),
  bulkId: z.string().check(z.minLength(1)),
  attempt: z._default(z.int().check(z.nonnegative()), 0),
});
export type BulkInput = z.infer<typeof BulkInput>;

export const SelectInput = z.extend(BulkInput, {
  /** Where the previous invocation stopped: the chunks written and the cursor of the selection. */
  selection: z.optional(z.object({ chunks: z.int().check(z.nonnegative()), total: z.int().check(z.nonnegative()), cursor: z.optional(z.string()) })),
});
export type SelectInput = z.infer<typeof SelectInput>;

export interface Selection {
  done: boolean;
  total: number;
  /** The chunks' numbers when done (the Distributed Map's items), else how many so far. */
  chunks: number[] | number;
  cursor?: string | undefined;
}

type Page = { eids: string[]; next?: string | undefined };

/** A page of the selection after `cursor`: named EIDs in order, the read model's matching SIMs, or an earlier operation's items. */
const pageOf = async (ports: BulkPorts, tenant: string, selector: Selector, cursor: string | undefined): Promise<Page> => {
  if (selectsEids(selector)) {
    const start = cursor === undefined ? 0 : Number(cursor);
    const end = start + CHUNK_SIZE;
    return { eids: selector.eids.slice(start, end), ...(end < selector.eids.length && { next: String(end) }) };
  }
  if (selectsOperation(selector)) {
    const { items, next } = await ports.items.page(bulkStream(tenant, selector.operation), { outcome: selector.outcome, limit: CHUNK_SIZE, after: cursor });
    return { eids: items.map((i) => i.eid), next };
  }
  return ports.sims(tenant, selector, { limit: CHUNK_SIZE, after: cursor });
};

/**
 * Task SelectSims: the selector resolved into the manifest, a chunk per page of the selection,
 * within a time budget; then, once the selection is done, the manifest recorded on the operation
 * (`BulkManifestResolved`) and the chunks handed to the Distributed Map. Run again on the same
 * input, it writes the same chunks (the selection is read in a stable order) and records nothing twice.
 */
export const selectSims = async (ports: BulkPorts, input: SelectInput): Promise<Selection> => {
  const stream = bulkStream(input.tenant, input.bulkId);
  const loaded = await loadState(ports.store, bulkDecider, stream);
  const { state } = loaded;
  if (state.status === 'none') throw new DomainError('not-found', 'bulk-operation-not-found', `no bulk operation ${input.bulkId}`);
  // An execution the reconciler has replaced (a later attempt runs the operation) does nothing more.
  if (input.attempt !== state.attempt || state.status !== 'running') return { done: true, total: state.manifest?.total ?? 0, chunks: [] };
  if (state.manifest) return { done: true, total: state.manifest.total, chunks: range(state.manifest.chunks) };
  const selector = state.request.selector;
  if (selectsOperation(selector)) {
    const source = (await loadState(ports.store, bulkDecider, bulkStream(input.tenant, selector.operation))).state.status;
    if (source === 'none') throw new DomainError('not-found', 'bulk-operation-not-found', `the selector names bulk operation ${selector.operation}, which this enterprise does not have`);
    // Its outcomes are not all known yet: the state machine asks again later (a fallback's return waits for the fallback).
    if (source === 'running') throw new SourceOperationRunning(selector.operation);
  }
  let { chunks, total, cursor } = input.selection ?? { chunks: 0, total: 0, cursor: undefined };
  const began = ports.nowMs();
  for (;;) {
    const page = await pageOf(ports, input.tenant, selector, cursor);
    if (page.eids.length > 0) {
      await ports.items.addChunk(stream, chunks, page.eids);
      chunks++;
      total += page.eids.length;
    }
    cursor = page.next;
    if (cursor === undefined) break;
    if (ports.nowMs() - began > SELECT_BUDGET_MS) return { done: false, total, chunks, cursor };
  }
  const context = { actor: 'switchboard:bulk', correlationId: input.bulkId, region: ports.region };
  await executeCommand(ports.store, bulkDecider, stream, { type: 'RecordBulkManifest', total, chunks }, context, undefined, loaded);
  return { done: true, total, chunks: range(chunks) };
};

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
