import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../adapters/event-store/dynamodb-event-store.ts';
import { executeCommand } from '../../application/command.ts';
import { simStream } from '../../application/stream-ids.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { eid, iccid, imsi } from '../support/ids.ts';
import { freshTables } from '../support/tables.ts';

/**
 * Ordinary contention on one busy SIM must not fail commands: writers that lose a race are decided
 * again on fresh state, with a backoff long enough to absorb 32 at once (on DynamoDB Local).
 */
let store: DynamoDbEventStore;
beforeAll(async () => {
  const tables = await freshTables();
  store = new DynamoDbEventStore(tables.client, tables.events);
});

describe('commands on one busy SIM', () => {
  it('32 label writes at once all land, each on fresh state, in one gap-free stream', async () => {
    const stream = simStream('acme', eid(1));
    const context = (actor: string) => ({ actor, correlationId: actor, region: 'local' });
    await executeCommand(store, simDecider, stream, { type: 'RegisterSim', actor: 'alice', allowedMnos: { 'northwind-de': ['262-91'] }, eid: eid(1), profiles: [{ iccid: iccid(1), mno: 'northwind-de', imsi: imsi(1), fallback: false }] }, context('alice'));
    const writers = Array.from({ length: 32 }, (_, i) => executeCommand(store, simDecider, stream, { type: 'SetSimLabels', actor: `w${i}`, labels: [`w${i}`] }, context(`w${i}`)));
    const outcomes = await Promise.allSettled(writers);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    const { head } = await store.load(stream);
    expect(head.version).toBe(33);
    expect((await store.verify(stream)).valid).toBe(true);
  });
});
