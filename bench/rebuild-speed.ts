import { DeleteTableCommand, PutItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { rebuildReadModels, type RebuildProgress } from '../infra/ops/rebuild-read-models.ts';
import { createTable } from '../adapters/dynamodb/create-table.ts';
import { TABLES } from '../manifest/tables.ts';
import { median } from './stats.ts';

type Item = Record<string, AttributeValue>;
/** As rebuildReadModels' defaults: Scan segments, and row writes in flight. */
const SEGMENTS = 8;
const WRITERS = 32;

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** Every item of a table through parallel Scan segments (as the rebuild scans). */
const scanAll = async (client: DynamoDBClient, input: ConstructorParameters<typeof ScanCommand>[0], onPage: (items: Item[]) => void) => {
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let start: Item | undefined;
      do {
        const page = await client.send(new ScanCommand({ ...input, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: start }));
        onPage(page.Items ?? []);
        start = page.LastEvaluatedKey;
      } while (start);
    }),
  );
};

const EVENT_SCAN = { ProjectionExpression: '#pk, #v, #n, #events, #meta', ExpressionAttributeNames: { '#pk': 'pk', '#v': 'v', '#n': 'n', '#events': 'events', '#meta': 'meta' } };

/**
 * Rebuild speed: rebuildReadModels (functions/read-models/rebuild.ts, what `npm run
 * rebuild-projections` runs) from the event store as the bench left it into a scratch read-model
 * table of its own, created empty beforehand (not timed). Floor: what the storage layer alone
 * costs for the same work — the same parallel Scan of the event store (8 segments, same
 * attributes) and then the rows the rebuild wrote, put again into another empty table with bare
 * PutItems, 32 in flight. Runs alternate rebuild and floor; figures are medians.
 */
export const rebuildSpeed = async (client: DynamoDBClient, eventsTable: string, runs: number, log: (m: string) => void) => {
  let tables = 0;
  const scratch = async () => {
    const name = `bench-read-models-${process.pid}-${++tables}`;
    await createTable(client, TABLES.readModels, name);
    return name;
  };
  const drop = (name: string) => client.send(new DeleteTableCommand({ TableName: name }));

  const rebuild = async () => {
    const table = await scratch();
    const phases = new Map<RebuildProgress['phase'], number>();
    const t0 = process.hrtime.bigint();
    const result = await rebuildReadModels({
      client,
      eventsTable,
      table,
      segments: SEGMENTS,
      onProgress: (p) => void (phases.has(p.phase) || phases.set(p.phase, seconds(t0))),
    });
    const s = seconds(t0);
    if (result.incomplete > 0 || result.kept > 0 || result.removed > 0) throw new Error(`rebuild into an empty scratch table: ${JSON.stringify(result)}`);
    const at = (phase: RebuildProgress['phase']) => phases.get(phase) ?? s;
    return { table, seconds: s, commits: result.commits, events: result.events, rows: result.rows, scanSeconds: at('write') - at('count'), writeSeconds: s - at('write') };
  };

  const floor = async (rows: Item[]) => {
    const table = await scratch();
    let commits = 0;
    let events = 0;
    const t0 = process.hrtime.bigint();
    await scanAll(client, { TableName: eventsTable, ...EVENT_SCAN }, (items) => {
      commits += items.length;
      for (const item of items) events += Number(item.n?.N ?? 0);
    });
    const scanSeconds = seconds(t0);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(WRITERS, rows.length) }, async () => {
        while (next < rows.length) await client.send(new PutItemCommand({ TableName: table, Item: rows[next++]! }));
      }),
    );
    const s = seconds(t0);
    await drop(table);
    return { seconds: s, commits, events, rows: rows.length, scanSeconds, writeSeconds: s - scanSeconds };
  };

  type RebuildRun = Awaited<ReturnType<typeof rebuild>>;
  type FloorRun = Awaited<ReturnType<typeof floor>>;
  const rows: { rebuild: RebuildRun; floor: FloorRun }[] = [];
  for (let r = 0; r < runs; r++) {
    const built = await rebuild();
    const written: Item[] = [];
    await scanAll(client, { TableName: built.table }, (items) => void written.push(...items));
    if (written.length !== built.rows) throw new Error(`rebuild wrote ${built.rows} rows, the scratch table holds ${written.length}`);
    await drop(built.table);
    const fl = await floor(written);
    if (fl.commits !== built.commits) log(`warning: the floor scanned ${fl.commits} commits, the rebuild ${built.commits} (the event store grew meanwhile)`);
    rows.push({ rebuild: built, floor: fl });
    log(
      `rebuild ${r + 1}/${runs}: ${built.commits} commits (${built.events} events) → ${built.rows} rows in ${built.seconds.toFixed(2)} s ` +
        `(scan ${built.scanSeconds.toFixed(2)} s, write ${built.writeSeconds.toFixed(2)} s); floor ${fl.seconds.toFixed(2)} s (scan ${fl.scanSeconds.toFixed(2)} s, write ${fl.writeSeconds.toFixed(2)} s)`,
    );
  }
  const m = (pick: (row: (typeof rows)[number]) => number) => median(rows.map(pick));
  return {
    runs,
    segments: SEGMENTS,
    writers: WRITERS,
    commits: rows[0]!.rebuild.commits,
    events: rows[0]!.rebuild.events,
    rows: rows[0]!.rebuild.rows,
    eventsPerSec: m((r) => r.rebuild.events / r.rebuild.seconds),
    commitsPerSec: m((r) => r.rebuild.commits / r.rebuild.seconds),
    floorEventsPerSec: m((r) => r.floor.events / r.floor.seconds),
    floorCommitsPerSec: m((r) => r.floor.commits / r.floor.seconds),
    seconds: m((r) => r.rebuild.seconds),
    floorSeconds: m((r) => r.floor.seconds),
    runsDetail: rows.map(({ rebuild: { table: _, ...rebuild }, floor }) => ({ rebuild, floor })),
  };
};
export type RebuildSpeed = Awaited<ReturnType<typeof rebuildSpeed>>;
