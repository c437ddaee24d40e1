import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadState } from '../../../application/load-state.ts';
import type { EventStore } from '../../../domain/event-store.ts';
import { simDecider } from '../../../domain/sim/decider.ts';
import type { DeviceProfile } from './fleet.ts';

/**
 * A device for every SIM registered before this runtime ran devices for it (a data folder from a
 * runtime without them, or SIMs written by a tool): the SIMs the read models list, each read from
 * its stream as it is now (the profiles its eUICC holds, which is enabled).
 */
export const addDevicesForKnownSims = async (
  client: DynamoDBClient,
  readModelsTable: string,
  store: EventStore,
  fleet: { devices: ReadonlyMap<string, unknown>; add(eid: string, profiles: readonly DeviceProfile[]): Promise<void> },
) => {
  let added = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: readModelsTable, ProjectionExpression: 'pk', FilterExpression: 'begins_with(pk, :tenant) AND contains(pk, :sim)', ExpressionAttributeValues: { ':tenant': { S: 'T#' }, ':sim': { S: '#SIM#' } }, ExclusiveStartKey: start }),
    );
    for (const row of page.Items ?? []) {
      const stream = row.pk?.S;
      const eid = stream && /^T#[^#]+#SIM#(\d{32})$/.exec(stream)?.[1];
      if (!stream || !eid || fleet.devices.has(eid)) continue;
      const { state } = await loadState(store, simDecider, stream);
      if (state.status === 'unregistered') continue;
      await fleet.add(eid, state.profiles);
      added++;
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return added;
};
