import type { Decider } from '../decider.ts';
import { DomainError } from '../errors.ts';
import { eventSchemas } from '../events.ts';
import { BulkEvents, type BulkEvent, type BulkStatus, type Counts } from './events.ts';
import type { BulkRequest } from './request.ts';

export type BulkCommand =
  | { type: 'StartBulkOperation'; bulkId: string; request: BulkRequest; startedBy: string; notBefore?: string | undefined }
  | { type: 'RecordBulkManifest'; total: number; chunks: number }
  | { type: 'CancelBulkOperation'; by: string; reason?: string | undefined }
  /** Resume under `attempt` (one more than the current); `was`: what became of the execution that ran it. */
  | { type: 'ResumeBulkOperation'; attempt: number; was: string }
  /** The items' outcomes, counted once every chunk has run (or could not). */
  | { type: 'CompleteBulkOperation'; counts: Counts; unresolved?: string | undefined; withoutFallback?: { mno: string; count: number; eids: string[] } | undefined };

export type BulkState =
  | { status: 'none' }
  | {
      status: BulkStatus;
      bulkId: string;
      request: BulkRequest;
      startedBy: string;
      notBefore?: string | undefined;
      manifest?: { total: number; chunks: number } | undefined;
      cancelled?: { by: string; reason?: string | undefined } | undefined;
      /** The execution attempt running it (0: the first). */
      attempt: number;
      counts?: Counts | undefined;
      /** Why it failed before it could select its SIMs. */
      error?: string | undefined;
    };

/** How an operation ended, from its items: nothing failed → succeeded; only failures → failed; else partial. A cancelled one is cancelled. */
export const finalStatus = (counts: Counts, cancelled: boolean): Exclude<BulkStatus, 'running'> => {
  if (cancelled) return 'cancelled';
  if (counts.failed === 0) return 'succeeded';
  return counts.succeeded + counts.skipped === 0 ? 'failed' : 'partial';
};

const sameRequest = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const bulkDecider: Decider<BulkCommand, BulkEvent, BulkState> = {
  events: eventSchemas(BulkEvents),
  initialState: { status: 'none' },

  decide(command, state) {
    if (command.type === 'StartBulkOperation') {
      if (state.status === 'none')
        return [{ type: 'BulkOperationStarted', data: { bulkId: command.bulkId, request: command.request, startedBy: command.startedBy, ...(command.notBefore && { notBefore: command.notBefore }) } }];
      if (sameRequest(state.request, command.request) && state.startedBy === command.startedBy) return [];
      throw new DomainError('conflict', 'bulk-operation-exists', `bulk operation ${command.bulkId} exists, with another request`);
    }
    if (state.status === 'none') throw new DomainError('not-found', 'bulk-operation-not-found', 'bulk operation not found');
    const ended = state.status !== 'running';
    switch (command.type) {
      case 'RecordBulkManifest':
        if (state.manifest) {
          if (state.manifest.total === command.total && state.manifest.chunks === command.chunks) return [];
          throw new DomainError('conflict', 'manifest-resolved', 'the operation selected its SIMs already, and not these');
        }
        if (ended) throw new DomainError('conflict', 'bulk-operation-ended', `the operation is ${state.status}`);
        return [{ type: 'BulkManifestResolved', data: { total: command.total, chunks: command.chunks } }];
      case 'ResumeBulkOperation':
        // Resumed already under this attempt (another reconciler), or ended: nothing more.
        if (ended || command.attempt !== state.attempt + 1) return [];
        return [{ type: 'BulkOperationResumed', data: { attempt: command.attempt, was: command.was } }];
      case 'CancelBulkOperation':
        if (state.cancelled) return [];
        if (ended) throw new DomainError('conflict', 'bulk-operation-ended', `the operation has ended (${state.status})`);
        return [{ type: 'BulkOperationCancelled', data: { by: command.by, ...(command.reason && { reason: command.reason }) } }];
      case 'CompleteBulkOperation':
        if (ended) return [];
        if (command.unresolved !== undefined)
          return [{ type: 'BulkOperationCompleted', data: { status: state.cancelled ? 'cancelled' : 'failed', counts: command.counts, error: command.unresolved } }];
        return [
          { type: 'BulkOperationCompleted', data: { status: finalStatus(command.counts, state.cancelled !== undefined), counts: command.counts } },
          ...(command.withoutFallback && command.withoutFallback.count > 0 ? [{ type: 'SimsLeftWithoutFallback' as const, data: command.withoutFallback }] : []),
        ];
    }
  },

  evolve(state, event) {
    if (event.type === 'BulkOperationStarted') {
      const { bulkId, request, startedBy, notBefore } = event.data;
      return { status: 'running', bulkId, request, startedBy, notBefore, attempt: 0 };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'BulkManifestResolved':
        return { ...state, manifest: event.data };
      case 'BulkOperationCancelled':
        return { ...state, cancelled: event.data };
      case 'BulkOperationResumed':
        return { ...state, attempt: event.data.attempt };
      case 'BulkOperationCompleted':
        return { ...state, status: event.data.status, counts: event.data.counts, error: event.data.error };
      case 'SimsLeftWithoutFallback':
        return state;
    }
  },
};
