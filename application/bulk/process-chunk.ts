import * as z from '../../domain/zod-mini.ts';
import { bulkDecider, type BulkState } from '../../domain/bulk/decider.ts';
import { itemStep, type ItemOutcome } from '../../domain/bulk/item.ts';
import { DomainError } from '../../domain/errors.ts';
import { mnoDecider, type MnoState } from '../../domain/mno/decider.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand } from '../command.ts';
import { inBatches } from '../in-batches.ts';
import { loadState, stateOf } from '../load-state.ts';
import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { bulkStream, enterpriseStream, mnoStream, simStream } from '../stream-ids.ts';
import type { BulkPorts } from './ports.ts';
import { BulkInput } from './resolve.ts';

export const ChunkInput = z.extend(BulkInput, { chunk: z.int().check(z.nonnegative()) });
export type ChunkInput = z.infer<typeof ChunkInput>;

/** SIMs of a chunk worked on at once. */
const AT_ONCE = 8;

type Running = Exclude<BulkState, { status: 'none' }>;

/** The id of the command an operation gives one SIM: a client cannot choose it (a correlation id it can). */
export const itemCommandId = (bulkId: string, eid: string) => `${bulkId}:${eid}`;

/**
 * One SIM: the command its step gives it, run as any command on it is (load, decide, append), with
 * the operation's id as the correlation id of what it appends and a command id of its own. A SIM
 * whose stream holds that command's commit already got it (an earlier or concurrent run of the
 * chunk): succeeded.
 */
const runItem = async (ports: BulkPorts, tenant: string, op: Running, eid: string, mnoOf: (id: string) => Promise<MnoState>, chosen: () => Promise<readonly string[]>, again = false): Promise<ItemOutcome> => {
  const stream = simStream(tenant, eid);
  const loaded = await ports.store.load(stream);
  const { commits } = loaded;
  const commandId = itemCommandId(op.bulkId, eid);
  if (commits.some((c) => c.metadata.commandId === commandId)) return { outcome: 'succeeded' };
  const sim = stateOf(simDecider, commits);
  const mnos = new Map<string, MnoState>();
  if (op.request.action === 'enable-profile' && sim.status !== 'unregistered') for (const p of sim.profiles) mnos.set(p.mno, await mnoOf(p.mno));
  if (op.request.action === 'order-profile') mnos.set(op.request.mno, await mnoOf(op.request.mno));
  const actor = op.startedBy;
  const step = itemStep(op.request, sim, { actor, transactionId: ports.transactionId(), orderId: ports.orderId(), chosen: await chosen(), mnos: (id) => mnos.get(id) ?? { status: 'unknown' } });
  if (step.kind === 'fail') return { outcome: 'failed', code: step.code, reason: step.reason };
  if (step.kind === 'skip') return { outcome: 'skipped', code: step.code, reason: step.reason };
  try {
    // Decided on the stream just read (a conflict reloads it): one Query a SIM, not two.
    const { changed } = await executeCommand(ports.store, simDecider, stream, step.command, { actor, correlationId: op.bulkId, region: ports.region, commandId }, undefined, loaded);
    if (changed) return { outcome: 'succeeded' };
    // Nothing to do: so already, or because another run of this chunk, at the same time, gave this very command.
    const { commits: now } = await ports.store.load(stream);
    return now.some((c) => c.metadata.commandId === commandId) ? { outcome: 'succeeded' } : { outcome: 'skipped', code: 'already', reason: 'the SIM was so already' };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // Refused on the SIM as it had become meanwhile (another operation, a person): its step is taken again, once, on that (it may now be to do nothing).
    if (!again) return runItem(ports, tenant, op, eid, mnoOf, chosen, true);
    return { outcome: 'failed', code: error.code, reason: error.message };
  }
};

/**
 * Task ProcessChunk (a child of the Distributed Map): each SIM of one chunk of the manifest gets
 * its command; the chunk's outcomes and counts are recorded together, once. A cancelled operation's
 * chunks skip their SIMs. An error that is not the SIM's refusal (DynamoDB unavailable…) fails the
 * chunk, which the state machine retries; SIMs done on an earlier run are not done twice.
 */
export const processChunk = async (ports: BulkPorts, input: ChunkInput) => {
  const stream = bulkStream(input.tenant, input.bulkId);
  const { state: op } = await loadState(ports.store, bulkDecider, stream);
  if (op.status === 'none') throw new DomainError('not-found', 'bulk-operation-not-found', `no bulk operation ${input.bulkId}`);
  // An execution the reconciler has replaced runs no SIM: the later attempt does.
  if (input.attempt !== op.attempt) return { chunk: input.chunk, recorded: false };
  const { items, recorded: before } = await ports.items.chunk(stream, input.chunk);
  if (before) return { chunk: input.chunk, recorded: false };
  const mnoStates = new Map<string, Promise<MnoState>>();
  const mnoOf = (id: string) => {
    if (!mnoStates.has(id)) mnoStates.set(id, loadState(ports.store, mnoDecider, mnoStream(id)).then((s) => s.state));
    return mnoStates.get(id)!;
  };
  let enterprise: Promise<readonly string[]> | undefined;
  const chosen = () => (enterprise ??= loadState(ports.store, enterpriseDecider, enterpriseStream(input.tenant)).then((e) => chosenMnos(e.state)));
  const outcomes: { eid: string; outcome: ItemOutcome }[] = [];
  const errors: unknown[] = [];
  // Every SIM's command settles before the chunk fails: none is left running into the next run.
  await inBatches(
    items,
    async ({ eid }) => {
      try {
        const outcome: ItemOutcome = op.cancelled ? { outcome: 'skipped', code: 'cancelled', reason: `the operation was cancelled by ${op.cancelled.by}` } : await runItem(ports, input.tenant, op, eid, mnoOf, chosen);
        outcomes.push({ eid, outcome });
      } catch (error) {
        errors.push(error);
      }
    },
    AT_ONCE,
  );
  if (errors.length > 0) throw errors[0];
  const recorded = await ports.items.recordChunk(stream, input.chunk, outcomes);
  return { chunk: input.chunk, recorded };
};
