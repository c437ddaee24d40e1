import { selectsOperation } from '../../domain/bulk/request.ts';
import { randomBytes } from 'node:crypto';
import { bulkDecider } from '../../domain/bulk/decider.ts';
import type { BulkRequest } from '../../domain/bulk/request.ts';
import { chosenMnos, enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import type { EventStore } from '../../domain/event-store.ts';
import { executeCommand, type CommandContext } from '../command.ts';
import { loadState } from '../load-state.ts';
import { bulkStream, enterpriseStream } from '../stream-ids.ts';

export const newBulkId = () => `bulk-${randomBytes(10).toString('hex')}`;

/** The MNOs a request names (an action's parameter, a selector's filter). */
const mnosNamed = (request: BulkRequest) => {
  const named = new Set<string>();
  if (request.action === 'enable-profile') for (const m of [request.mno, request.awayFrom]) if (m) named.add(m);
  if (request.action === 'order-profile') named.add(request.mno);
  const s = request.selector;
  if ('mno' in s && s.mno) named.add(s.mno);
  if ('enabledOn' in s && s.enabledOn) named.add(s.enabledOn);
  return [...named];
};

/**
 * A bulk operation, started: checked against what the request names (the enterprise's MNOs, an
 * earlier operation of its own), then `BulkOperationStarted` on its stream, which starts its
 * state machine (rule `start-bulk`). Nothing is appended for a request that names what is not there.
 */
export const startBulkOperation = async (store: EventStore, tenant: string, request: BulkRequest, context: CommandContext & { startedBy?: string; bulkId?: string; notBefore?: string }) => {
  const chosen = chosenMnos((await loadState(store, enterpriseDecider, enterpriseStream(tenant))).state);
  const foreign = mnosNamed(request).filter((m) => !chosen.includes(m));
  if (foreign.length > 0) throw new DomainError('invalid', 'mno-not-chosen', `the request names ${foreign.join(', ')}, which the enterprise has not chosen`);
  const selector = request.selector;
  if (selectsOperation(selector) && (await loadState(store, bulkDecider, bulkStream(tenant, selector.operation))).state.status === 'none')
    throw new DomainError('invalid', 'unknown-operation', `the selector names bulk operation ${selector.operation}, which this enterprise does not have`);
  const bulkId = context.bulkId ?? newBulkId();
  const startedBy = context.startedBy ?? context.actor;
  return executeCommand(store, bulkDecider, bulkStream(tenant, bulkId), { type: 'StartBulkOperation', bulkId, request, startedBy, notBefore: context.notBefore }, context);
};
