import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadState } from '../../../application/load-state.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { simDecider, type RegisteredSim } from '../../../domain/sim/decider.ts';
import type { DeviceProfile } from './fleet.ts';

/**
 * Every SIM the read models list, each read from its stream as it is now: what the local runtime's
 * simulations (devices, traffic) need of SIMs registered before they ran. `skip` passes over a SIM
 * without reading its stream.
 */
export async function* knownSims(client: DynamoDBClient, readModelsTable: string, store: EventStore, skip: (eid: string) => boolean = () => false): AsyncGenerator<{ tenant: string; sim: RegisteredSim }> {
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: readModelsTable, ProjectionExpression: 'pk', FilterExpression: 'begins_with(pk, :tenant) AND contains(pk, :sim)', ExpressionAttributeValues: { ':tenant': { S: 'T#' }, ':sim': { S: '#SIM#' } }, ExclusiveStartKey: start }),
    );
    for (const row of page.Items ?? []) {
      const stream = row.pk?.S;
      const match = stream && /^T#([^#]+)#SIM#(\d{32})$/.exec(stream);
      if (!stream || !match || skip(match[2]!)) continue;
      const { state } = await loadState(store, simDecider, stream);
      if (state.status !== 'unregistered') yield { tenant: match[1]!, sim: state };
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
}

/**
 * A device for every SIM registered before this runtime ran devices for it (a data folder from a
 * runtime without them, or SIMs written by a tool): the profiles its eUICC holds, which is enabled.
 */
export const addDevicesForKnownSims = async (
  client: DynamoDBClient,
  readModelsTable: string,
  store: EventStore,
  fleet: { devices: ReadonlyMap<string, unknown>; add(eid: string, profiles: readonly DeviceProfile[]): Promise<void> },
) => {
  let added = 0;
  for await (const { sim } of knownSims(client, readModelsTable, store, (eid) => fleet.devices.has(eid))) {
    await fleet.add(sim.eid, sim.profiles);
    added++;
  }
  return added;
};
