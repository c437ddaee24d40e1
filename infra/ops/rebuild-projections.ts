import { parseArgs } from 'node:util';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { rebuildReadModels, type RebuildProgress } from './rebuild-read-models.ts';
import { createTable } from '../../adapters/dynamodb/create-table.ts';
import { readEnvironment } from '../../manifest/environment.ts';
import { TABLES } from '../../manifest/tables.ts';
import { LOCAL_CREDENTIALS } from '../local/dynamodb-local.ts';
import { OpsError, endpointsFile, readEndpoints } from './endpoints.ts';

const USAGE = `usage: npm run rebuild-projections -- [--table <name>] [--events-table <name>] [--segments N] [--from-scratch] [--region <region>]

Rebuilds the read models (SIMs, cascades, MNOs) from the event store, in place: scans every commit
in parallel segments, writes each projected stream's row where the table is behind or at the same
version (a damaged row is repaired), then removes rows no stream produces. Lists stay served the
whole time, and the live projector may keep running: a row it has moved ahead is kept.

  --table         the read-model table (default $READ_MODELS_TABLE or switchboard-read-models);
                  a table that does not exist is created locally (not in AWS: CDK owns those)
  --events-table  the event store (default $EVENTS_TABLE or switchboard-events)
  --segments      parallel Scan segments (default 8)
  --from-scratch  empty the table first (lists are empty until their rows are written again)
  --region        AWS itself (the SDK's default credential chain); otherwise the local runtime's
                  DynamoDB from $SWITCHBOARD_DATA_DIR/endpoints.json
`;

const env = readEnvironment();

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        table: { type: 'string', default: env.READ_MODELS_TABLE },
        'events-table': { type: 'string', default: env.EVENTS_TABLE },
        segments: { type: 'string', default: '8' },
        'from-scratch': { type: 'boolean', default: false },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`rebuild-projections: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();

const clientConfig = (): DynamoDBClientConfig => {
  if (values.region) return { region: values.region };
  const file = endpointsFile();
  const endpoint = readEndpoints(file).dynamodb;
  if (!endpoint) throw new OpsError(`${file} names no dynamodb endpoint`);
  return { endpoint, region: 'local', credentials: LOCAL_CREDENTIALS };
};

const LABELS: Record<RebuildProgress['phase'], string> = { clear: 'clearing', count: 'counting', scan: 'scanning', write: 'writing', sweep: 'sweeping' };
const tty = process.stderr.isTTY === true;
let shown: RebuildProgress | undefined;
let phaseStarted = performance.now();
let drawnAt = 0;
let drawn = '';

const render = (p: RebuildProgress, now: number) => {
  if (p.phase === 'count') return 'counting  commits in the event store';
  const seconds = Math.max((now - phaseStarted) / 1000, 0.001);
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const bar = p.total > 0 ? `[${'#'.repeat(Math.round(fraction * 30)).padEnd(30, '.')}] ${String(Math.floor(fraction * 100)).padStart(3)}% ` : '';
  const unit = p.phase === 'scan' ? 'commits' : p.phase === 'write' ? 'rows' : 'rows removed';
  const rate = p.phase === 'scan' ? `${Math.round(p.events / seconds)} events/s` : `${Math.round(p.done / seconds)} rows/s`;
  const eta = fraction > 0 && fraction < 1 ? `  eta ${Math.ceil(seconds * (1 / fraction - 1))}s` : '';
  return `${LABELS[p.phase].padEnd(9)} ${bar}${p.total > 0 ? `${p.done}/${p.total}` : p.done} ${unit}  ${rate}${eta}`;
};

/**
 * The progress line on stderr: redrawn in place on a terminal (at most every 100 ms), a line every
 * 2 s otherwise; each phase ends with its final figures.
 */
const draw = (p: RebuildProgress | undefined, force = false) => {
  const now = performance.now();
  if (shown && (!p || p.phase !== shown.phase)) {
    const last = render(shown, now);
    process.stderr.write(tty ? `\r\x1b[K${last}\n` : last === drawn ? '' : `${last}\n`);
    phaseStarted = now;
    drawnAt = 0;
    force = true;
  }
  shown = p;
  if (!p || (!force && now - drawnAt < (tty ? 100 : 2000))) return;
  drawnAt = now;
  drawn = render(p, now);
  process.stderr.write(tty ? `\r\x1b[K${drawn}` : `${drawn}\n`);
};

try {
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const segments = Number(values.segments);
  if (!Number.isInteger(segments) || segments < 1 || segments > 1000) throw new OpsError('--segments takes a whole number from 1 to 1000');
  const client = new DynamoDBClient(clientConfig());
  if (!values.region) await createTable(client, TABLES.readModels, values.table);
  const result = await rebuildReadModels({
    client,
    eventsTable: values['events-table'],
    table: values.table,
    segments,
    clear: values['from-scratch'],
    onProgress: (p) => draw(p),
  });
  draw(undefined);
  process.stdout.write(
    `rebuilt ${result.rows} rows of ${values.table} from ${result.commits} commits (${result.events} events) in ${result.seconds.toFixed(1)} s, ` +
      `${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s; ${result.removed} rows ${values['from-scratch'] ? 'cleared first' : 'no stream produces removed'}, ` +
      `${result.kept} already current (a live projector), ${result.incomplete} streams still to be completed by it\n`,
  );
  client.destroy();
} catch (error) {
  if (shown && tty) process.stderr.write('\n');
  process.stderr.write(`rebuild-projections: ${error instanceof OpsError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
}
