import { describe, expect, it } from 'vitest';
import { bulkDecider, finalStatus } from '../../domain/bulk/decider.ts';
import type { BulkEvent } from '../../domain/bulk/events.ts';
import { itemStep } from '../../domain/bulk/item.ts';
import { BulkRequest } from '../../domain/bulk/request.ts';
import { fold } from '../../domain/decider.ts';
import { mnoDecider, type MnoState } from '../../domain/mno/decider.ts';
import type { MnoEvent } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';
import { specFor } from '../support/given.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

const given = specFor(bulkDecider);
const request = BulkRequest.parse({ action: 'suspend', selector: { label: 'fleet-a' } });
const started: BulkEvent = { type: 'BulkOperationStarted', data: { bulkId: 'bulk-0123456789', request, startedBy: 'alice' } };
const resolved: BulkEvent = { type: 'BulkManifestResolved', data: { total: 3, chunks: 1 } };
const counts = (succeeded: number, failed: number, skipped: number) => ({ total: succeeded + failed + skipped, succeeded, failed, skipped });

describe('a bulk operation (domain/bulk/decider.ts)', () => {
  it('given nothing, when started, then it is running; the same start again appends nothing; another request under its id is refused', () => {
    given([]).when({ type: 'StartBulkOperation', bulkId: 'bulk-0123456789', request, startedBy: 'alice' }).then([started]);
    given([started]).when({ type: 'StartBulkOperation', bulkId: 'bulk-0123456789', request, startedBy: 'alice' }).then([]);
    given([started]).when({ type: 'StartBulkOperation', bulkId: 'bulk-0123456789', request: BulkRequest.parse({ action: 'resume', selector: { label: 'fleet-a' } }), startedBy: 'alice' }).thenFails('bulk-operation-exists', 'conflict');
  });
  it('given a started operation, then its manifest is recorded once: the same again appends nothing, another is refused', () => {
    given([started]).when({ type: 'RecordBulkManifest', total: 3, chunks: 1 }).then([resolved]);
    given([started, resolved]).when({ type: 'RecordBulkManifest', total: 3, chunks: 1 }).then([]);
    given([started, resolved]).when({ type: 'RecordBulkManifest', total: 4, chunks: 1 }).thenFails('manifest-resolved', 'conflict');
  });
  it('given a running operation, when cancelled, then it is cancelled once; an ended one cannot be', () => {
    given([started]).when({ type: 'CancelBulkOperation', by: 'bob', reason: 'wrong fleet' }).then([{ type: 'BulkOperationCancelled', data: { by: 'bob', reason: 'wrong fleet' } }]);
    const cancelled: BulkEvent = { type: 'BulkOperationCancelled', data: { by: 'bob' } };
    given([started, cancelled]).when({ type: 'CancelBulkOperation', by: 'carol' }).then([]);
    const done: BulkEvent = { type: 'BulkOperationCompleted', data: { status: 'succeeded', counts: counts(3, 0, 0) } };
    given([started, resolved, done]).when({ type: 'CancelBulkOperation', by: 'bob' }).thenFails('bulk-operation-ended', 'conflict');
    given([]).when({ type: 'CancelBulkOperation', by: 'bob' }).thenFails('bulk-operation-not-found', 'not-found');
  });
  it('when completed, then its status comes from its items (and a cancelled one stays cancelled); completing again appends nothing', () => {
    given([started, resolved]).when({ type: 'CompleteBulkOperation', counts: counts(2, 1, 0) }).then([{ type: 'BulkOperationCompleted', data: { status: 'partial', counts: counts(2, 1, 0) } }]);
    const cancelled: BulkEvent = { type: 'BulkOperationCancelled', data: { by: 'bob' } };
    given([started, resolved, cancelled]).when({ type: 'CompleteBulkOperation', counts: counts(1, 0, 2) }).then([{ type: 'BulkOperationCompleted', data: { status: 'cancelled', counts: counts(1, 0, 2) } }]);
    const done: BulkEvent = { type: 'BulkOperationCompleted', data: { status: 'partial', counts: counts(2, 1, 0) } };
    given([started, resolved, done]).when({ type: 'CompleteBulkOperation', counts: counts(3, 0, 0) }).then([]);
  });
  it('its final status: nothing failed → succeeded (an empty selection too); only failures → failed; a mix → partial', () => {
    expect(finalStatus(counts(0, 0, 0), false)).toBe('succeeded');
    expect(finalStatus(counts(2, 0, 5), false)).toBe('succeeded');
    expect(finalStatus(counts(0, 4, 0), false)).toBe('failed');
    expect(finalStatus(counts(0, 4, 1), false)).toBe('partial');
    expect(finalStatus(counts(3, 4, 0), true)).toBe('cancelled');
  });
});

describe('a bulk request (domain/bulk/request.ts)', () => {
  const refused = (body: unknown) => BulkRequest.safeParse(body).success;
  it('names a known action, a selector and the action’s own parameters, nothing else', () => {
    expect(refused({ action: 'explode', selector: { label: 'a' } })).toBe(false);
    expect(refused({ action: 'suspend' })).toBe(false);
    expect(refused({ action: 'suspend', selector: {} })).toBe(false);
    expect(refused({ action: 'suspend', selector: { label: 'a', colour: 'red' } })).toBe(false);
    expect(refused({ action: 'suspend', selector: { eids: [] } })).toBe(false);
    expect(refused({ action: 'suspend', selector: { eids: [eid(1), eid(1)] } })).toBe(false);
    expect(refused({ action: 'suspend', selector: { eids: ['123'] } })).toBe(false);
    expect(refused({ action: 'set-labels', selector: { label: 'a' } })).toBe(false);
    expect(refused({ action: 'enable-profile', selector: { label: 'a' } })).toBe(false);
    expect(refused({ action: 'enable-profile', selector: { label: 'a' }, mno: 'north', awayFrom: 'south' })).toBe(false);
    expect(refused({ action: 'suspend', selector: { label: 'a' }, labels: ['x'] })).toBe(false);
    expect(refused({ action: 'suspend', selector: { eids: [eid(1), eid(2)] }, reason: 'theft' })).toBe(true);
    expect(refused({ action: 'enable-profile', selector: { enabledOn: 'south', state: 'active' }, mno: 'north' })).toBe(true);
    expect(refused({ action: 'activate', selector: { operation: 'bulk-0123456789', outcome: 'failed' } })).toBe(true);
  });
});

describe('one SIM of a bulk operation (domain/bulk/item.ts)', () => {
  const EID = eid(41);
  const [home, spare] = [iccid(411), iccid(412)];
  const profile = (n: string, mno: string, state: 'enabled' | 'disabled', fallback = false) => ({ iccid: n, mno, imsi: imsi(Number(n.slice(-5, -1))), fallback, state });
  const sim = (...events: SimEvent[]) =>
    fold(simDecider, simDecider.initialState, [{ type: 'SimRegistered', data: { eid: EID, profiles: [profile(home, 'north', 'enabled'), profile(spare, 'south', 'disabled', true)] } }, { type: 'SimActivated', data: {} }, ...events]);
  const mnos = (...down: string[]) => (id: string): MnoState =>
    fold(mnoDecider, mnoDecider.initialState, [
      { type: 'MnoRegistered', data: { id, name: id, plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://x', credentialsRef: 'secret://mno/x' }, capabilities: [] } },
      { type: 'MnoVerified', data: { checks: {} } },
      ...(down.includes(id) ? [{ type: 'MnoOutageDeclared', data: { reason: 'x' } } as MnoEvent] : []),
    ]);
  const context = { actor: 'alice', transactionId: 'ab12', mnos: mnos() };
  const step = (body: unknown, state = sim(), ctx = context) => itemStep(BulkRequest.parse(body), state, ctx);

  it('gives each SIM the command one request for it would (the SIM decides it)', () => {
    expect(step({ action: 'suspend', selector: { label: 'a' }, reason: 'theft' })).toEqual({ kind: 'command', command: { type: 'SuspendSim', actor: 'alice', reason: 'theft' } });
    expect(step({ action: 'set-labels', selector: { label: 'a' }, labels: ['b'] })).toEqual({ kind: 'command', command: { type: 'SetSimLabels', actor: 'alice', labels: ['b'] } });
  });
  it('fails a SIM that is not the enterprise’s', () => {
    expect(step({ action: 'activate', selector: { label: 'a' } }, simDecider.initialState)).toMatchObject({ kind: 'fail', code: 'sim-not-found' });
  });
  it('enables the profile on the MNO asked, skips a SIM with none there or with it enabled already', () => {
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, mno: 'south' })).toEqual({ kind: 'command', command: { type: 'QueueEimPackage', actor: 'alice', transactionId: 'ab12', psmos: [{ op: 'enable', iccid: spare, rollback: true }] } });
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, mno: 'north' })).toMatchObject({ kind: 'skip', code: 'already' });
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, mno: 'east' })).toMatchObject({ kind: 'skip', code: 'not-concerned' });
    // An MNO in outage (a return whose MNO went down again during the hold-down): the SIM stays.
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, mno: 'south' }, sim(), { ...context, mnos: mnos('south') })).toMatchObject({ kind: 'skip', code: 'mno-unavailable' });
  });
  it('moves a SIM away from an MNO to its fallback; skips one with no usable fallback (saying why) and one not on that MNO', () => {
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, awayFrom: 'north' }, sim(), { ...context, mnos: mnos('north') })).toMatchObject({ kind: 'command', command: { psmos: [{ op: 'enable', iccid: spare, rollback: true }] } });
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, awayFrom: 'north' }, sim(), { ...context, mnos: mnos('north', 'south') })).toMatchObject({ kind: 'skip', code: 'no-fallback' });
    expect(step({ action: 'enable-profile', selector: { label: 'a' }, awayFrom: 'south' }, sim(), { ...context, mnos: mnos('south') })).toMatchObject({ kind: 'skip', code: 'not-concerned' });
  });
});

describe('a bulk operation that could not select its SIMs', () => {
  it('completes failed, saying why (cancelled if it was cancelled)', () => {
    const counts0 = { total: 0, succeeded: 0, failed: 0, skipped: 0 };
    given([started]).when({ type: 'CompleteBulkOperation', counts: counts0, unresolved: 'boom' }).then([{ type: 'BulkOperationCompleted', data: { status: 'failed', counts: counts0, error: 'boom' } }]);
    given([started, { type: 'BulkOperationCancelled', data: { by: 'bob' } }]).when({ type: 'CompleteBulkOperation', counts: counts0, unresolved: 'boom' }).then([{ type: 'BulkOperationCompleted', data: { status: 'cancelled', counts: counts0, error: 'boom' } }]);
  });
});

describe('ordering profiles in bulk (domain/bulk/item.ts)', () => {
  const EID = eid(43);
  const sim = fold(simDecider, simDecider.initialState, [{ type: 'SimRegistered', data: { eid: EID, profiles: [{ iccid: iccid(431), mno: 'north', imsi: imsi(431), fallback: false, state: 'enabled' }] } }]);
  const mno = (smdp: boolean, down = false) => () =>
    fold(mnoDecider, mnoDecider.initialState, [
      { type: 'MnoRegistered', data: { id: 'south', name: 'south', plmns: ['262-91'], countries: ['DE'], api: { style: 'rest-oauth2', endpoint: 'https://x', credentialsRef: 'secret://mno/x', ...(smdp && { smdpEndpoint: 'https://smdp' }) }, capabilities: [] } },
      { type: 'MnoVerified', data: { checks: {} } },
      ...(down ? [{ type: 'MnoOutageDeclared', data: { reason: 'x' } } as MnoEvent] : []),
    ]);
  const request = BulkRequest.parse({ action: 'order-profile', selector: { label: 'a' }, mno: 'south' });
  it('asks the SIM for the order one request would make; an MNO without an SM-DP+ fails the item, one in outage skips it', () => {
    expect(itemStep(request, sim, { actor: 'alice', transactionId: 'aa', orderId: 'order-00000009', chosen: ['north', 'south'], mnos: mno(true) })).toEqual({
      kind: 'command',
      command: { type: 'RequestProfileOrder', actor: 'alice', orderId: 'order-00000009', mno: 'south', chosen: ['north', 'south'] },
    });
    expect(itemStep(request, sim, { actor: 'alice', transactionId: 'aa', orderId: 'order-00000009', chosen: ['north', 'south'], mnos: mno(false) })).toMatchObject({ kind: 'fail', code: 'no-smdp' });
    expect(itemStep(request, sim, { actor: 'alice', transactionId: 'aa', orderId: 'order-00000009', chosen: ['north', 'south'], mnos: mno(true, true) })).toMatchObject({ kind: 'skip', code: 'mno-unavailable' });
  });
});
