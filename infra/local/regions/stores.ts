import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTable } from '../../../adapters/dynamodb/create-table.ts';
import { DynamoDbEventStore } from '../../../adapters/event-store/dynamodb-event-store.ts';
import { TABLES, type TableDefinition } from '../../../manifest/tables.ts';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb-local.ts';
import { startReplicator } from './replicator.ts';

/** How the regions share the event store: as DynamoDB's multi-region strong or eventual consistency (cdk.json's `consistency`). */
export type ConsistencyMode = 'strong' | 'eventual';

/** Replication lag in `eventual` mode by default: what DynamoDB's MREC typically shows (about a second). */
export const DEFAULT_REPLICATION_LAG_MS = 1_000;

interface RegionStore {
  dynamo: DynamoDbLocal;
  client: DynamoDBClient;
  store: DynamoDbEventStore;
}

/** The tables every region holds alike: the event store and the replicated ones. */
const GLOBAL_TABLES = (Object.values(TABLES) as TableDefinition[]).filter((t) => t.scope !== 'regional');

/**
 * The event store as the regions see it. `strong`: one DynamoDB Local for both (a global table whose
 * conditional writes hold across regions: RPO 0). `eventual`: one per region, the global tables in
 * each, and a replicator each way (replicator.ts) with `lagMs` of lag: a region's last writes before
 * it is lost are missing in the other until it comes back (the RPO is the lag), and two regions
 * writing one stream at once conflict, which replication records.
 */
export const startRegionStores = async (options: { mode: ConsistencyMode; regions: readonly string[]; dataDir: (region: string | undefined) => string; lagMs?: number | undefined; log: (message: string) => void }) => {
  const started: RegionStore[] = [];
  const stops: (() => Promise<unknown>)[] = [];
  const open = async (region: string | undefined) => {
    const dynamo = await startDynamoDbLocal({ path: `${options.dataDir(region)}/dynamodb`, pidFile: `${options.dataDir(region)}/dynamodb-local.json`, log: options.log });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });
    stops.push(() => dynamo.stop(), async () => client.destroy());
    // In eventual mode the replicator reads every replicated table's stream (in AWS the global table replicates itself).
    for (const t of GLOBAL_TABLES) await createTable(client, options.mode === 'eventual' ? { ...t, stream: 'NEW_IMAGE' } : t);
    const opened = { dynamo, client, store: new DynamoDbEventStore(client, TABLES.events.name) };
    started.push(opened);
    return opened;
  };
  try {
    const byRegion = new Map<string, RegionStore>();
    if (options.mode === 'strong') {
      const shared = await open(undefined);
      for (const region of options.regions) byRegion.set(region, shared);
    } else for (const region of options.regions) byRegion.set(region, await open(region));
    const replicators =
      options.mode === 'eventual'
        ? await Promise.all(
            options.regions.flatMap((from) =>
              options.regions
                .filter((to) => to !== from)
                .map((to) =>
                  startReplicator({
                    from: { name: from, client: byRegion.get(from)!.client, endpoint: byRegion.get(from)!.dynamo.endpoint },
                    to: { name: to, client: byRegion.get(to)!.client, store: byRegion.get(to)!.store },
                    tables: GLOBAL_TABLES.map((t) => ({ name: t.name, keys: [t.partitionKey.name, ...(t.sortKey ? [t.sortKey.name] : [])] })),
                    lagMs: options.lagMs ?? DEFAULT_REPLICATION_LAG_MS,
                    checkpointFile: (table) => `${options.dataDir(to)}/replication-from-${from}-${table}.json`,
                    log: options.log,
                  }),
                ),
            ),
          )
        : [];
    for (const r of replicators) stops.push(r.stop);
    return {
      mode: options.mode,
      of: (region: string) => byRegion.get(region)!,
      /** Every distinct store (one in strong mode). */
      all: started,
      /** Commits replicated and conflicts seen, summed over both directions. */
      replication: () => replicators.reduce((sum, r) => ({ replicated: sum.replicated + r.stats.replicated, conflicts: sum.conflicts + r.stats.conflicts }), { replicated: 0, conflicts: 0 }),
      stop: async () => {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
};
