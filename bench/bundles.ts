import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../adapters/observability/metrics.ts';
import type { Variable } from '../manifest/environment.ts';
import { TABLES } from '../manifest/tables.ts';
import { handlerEsbuildOptions } from '../infra/cdk/bundling.ts';
import { ALL_HANDLERS, ROOT, type HandlerSpec } from '../infra/cdk/handlers.ts';
import { aim, atMost, figure, type Aim, type Figure } from './report.ts';
import { median } from './stats.ts';

const run = promisify(execFile);

/** The floors: bench/empty-handler.ts, and bench/bare-dynamodb-handler.ts (the DynamoDB client alone), bundled with the same options. */
const EMPTY = {
  id: 'EmptyHandler',
  kind: 'floor' as const,
  entry: fileURLToPath(new URL('./empty-handler.ts', import.meta.url)),
  handler: 'handler',
};
const BARE = {
  id: 'BareDynamoDbHandler',
  kind: 'floor' as const,
  entry: fileURLToPath(new URL('./bare-dynamodb-handler.ts', import.meta.url)),
  handler: 'handler',
};

/**
 * The environment of the child that imports a bundle: what the CDK app gives the handlers
 * (infra/cdk/handler-function.ts: table names, log level, Powertools settings; region-stack.ts:
 * the cascade state machine's ARN; secrets.ts: the Secrets Manager store; webhooks.ts: the retry
 * queue's URL — dummies where CDK puts a token), and what Lambda adds that a module may read at
 * import (region, credentials: dummies, never used, as the local runtime's). Nothing else is
 * inherited: no NODE_OPTIONS, no tsx loader, no compile cache. Not the AWS_LAMBDA_* variables: the
 * child does not pretend to be Lambda. A module that needs another variable at import fails the
 * section, naming the function.
 */
/** Switchboard's own variables (manifest/environment.ts: the names are checked), as CDK sets them. */
const SWITCHBOARD_ENV: Partial<Record<Variable, string>> = {
  ...Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, t.name])),
  LOG_LEVEL: 'INFO',
  CASCADE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:switchboard-cascade',
  BULK_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:switchboard-bulk',
  SIGNALS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/switchboard-signals',
  SIGNALS_BUCKET: 'switchboard-signals-000000000000-eu-west-1',
  SECRET_STORE: 'secrets-manager',
  WEBHOOK_RETRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/switchboard-webhook-retries',
  // No credentials: importing a handler makes no AWS call.
  AWS_REGION: 'eu-west-1',
};

export const INIT_ENV: Record<string, string> = {
  ...(SWITCHBOARD_ENV as Record<string, string>),
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  AWS_DEFAULT_REGION: 'eu-west-1',
};

/**
 * Run in a fresh `node` (process.execPath: Node 24 under npm scripts) per measurement: the time
 * `await import()` of the bundle takes, module evaluation included (what Lambda's init phase spends
 * on the module); then checks that the handler is exported, and exits (a timer or socket a module
 * may leave open must not hold the child).
 */
const CHILD = [
  'const [url, name] = process.argv.slice(1);',
  'const t0 = performance.now();',
  'const m = await import(url);',
  'const ms = performance.now() - t0;',
  "if (typeof m[name] !== 'function') throw new Error(`no exported function ${name}`);",
  'console.log(JSON.stringify({ ms }));',
  'process.exit(0);',
].join('\n');

const initMs = async (file: string, handler: string) => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href, handler], {
    env: INIT_ENV,
    cwd: tmpdir(),
    timeout: 30_000,
  });
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number }).ms;
};

/** A failed child's error line and the frame under it (the rest of its stderr is minified code). */
const childError = (error: unknown) => {
  const stderr = (error as { stderr?: string }).stderr ?? '';
  const lines = stderr.split('\n').filter((l) => l.length < 500);
  const at = lines.findIndex((l) => /^\s*[\w.]*(Error|Exception)\b/.test(l));
  return at >= 0 ? lines.slice(at, at + 2).map((l) => l.trim()).join(' ') : error instanceof Error ? error.message.slice(0, 500) : String(error);
};

export interface BundleRow {
  id: string;
  kind: HandlerSpec['kind'] | 'floor';
  /** Entry module, relative to the repository root, and its exported handler. */
  entry: string;
  handler: string;
  bytes: number;
  /** Median of `initRunsMs`. */
  initMs: number;
  initRunsMs: number[];
}

export interface BundleResults {
  runs: number;
  esbuildMs: number;
  measureMs: number;
  floor: BundleRow;
  /** A handler that imports only the DynamoDB client: the floor of module init. */
  bare: BundleRow;
  functions: BundleRow[];
}

const kib = (bytes: number) => bytes / 1024;
const kibText = (bytes: number) => `${kib(bytes).toFixed(kib(bytes) < 10 ? 2 : 1)} KiB`;

/**
 * How often a round imports the floors again: after every FLOOR_EVERY functions (and at its
 * start). A ratio's floor is then the median of many imports spread over the whole run, as the
 * functions' median is of many functions; one import of it a round would put that one import's
 * noise into every ratio at once (measured: the median ratio read 1.34× and 1.64× in two runs of
 * the same code, the floor's median moving from 44.6 to 30.6 ms).
 */
const FLOOR_EVERY = 10;

/** A round's imports: the floors first, then the functions with the floors again after every FLOOR_EVERY. */
const withFloors = <T>(functions: readonly T[], floors: readonly T[]): T[] =>
  functions.reduce<T[]>((round, f, i) => [...round, f, ...((i + 1) % FLOOR_EVERY === 0 ? floors : [])], [...floors]);

/**
 * Issue 5's figures: every deployed function (infra/cdk/handlers.ts ALL_HANDLERS) bundled as CDK
 * bundles it (infra/cdk/bundling.ts), its size and its module init time (median of `runs` imports,
 * each in a fresh Node process), beside an empty handler's as the floor. Rounds go over all the
 * bundles, alternating the order, so machine noise is spread over all of them alike; the floors
 * are imported throughout each round (FLOOR_EVERY).
 */
export const bundleFigures = async (o: { runs: number }, log: (m: string) => void): Promise<{ figures: Figure[]; aims: Aim[]; bundles: BundleResults }> => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bundles-'));
  try {
    const specs: { id: string; kind: BundleRow['kind']; entry: string; handler: string }[] = [EMPTY, BARE, ...ALL_HANDLERS];
    const ids = new Set(specs.map((s) => s.id));
    if (ids.size !== specs.length) throw new Error('bundles: function ids are not unique');
    log(`bundles: esbuild, ${ALL_HANDLERS.length} functions and the empty handler, as CDK bundles them (infra/cdk/bundling.ts), into ${dir}`);
    const t0 = performance.now();
    // One build, one output file per entry: without code splitting each bundle is the same file a build of its entry alone writes.
    const result = await build({
      ...handlerEsbuildOptions(ROOT),
      entryPoints: specs.map((s) => ({ in: s.entry, out: `${s.id}/index` })),
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    });
    if (result.errors.length > 0) throw new Error(`bundles: esbuild failed: ${result.errors.map((e) => e.text).join('; ')}`);
    const esbuildMs = performance.now() - t0;
    const file = (id: string) => join(dir, id, 'index.mjs');
    const rows = specs.map((s): BundleRow => ({
      id: s.id,
      kind: s.kind,
      entry: relative(ROOT, s.entry),
      handler: s.handler,
      bytes: statSync(file(s.id)).size,
      initMs: Number.NaN,
      initRunsMs: [],
    }));
    log(`bundles: built in ${(esbuildMs / 1000).toFixed(1)} s; module init: ${o.runs} rounds of ${rows.length - 2} functions and the floors every ${FLOOR_EVERY}, each import in a fresh node`);

    const t1 = performance.now();
    const [emptyRow, bareRow, ...functionRows] = rows as [BundleRow, BundleRow, ...BundleRow[]];
    const round = withFloors(functionRows, [emptyRow, bareRow]);
    for (let r = 0; r < o.runs; r++) {
      for (const row of r % 2 === 0 ? round : [...round].reverse()) {
        try {
          row.initRunsMs.push(await initMs(file(row.id), row.handler));
        } catch (error) {
          throw new Error(`bundles: importing ${row.id} (${row.entry}) failed: ${childError(error)}`);
        }
      }
      log(`bundles: round ${r + 1}/${o.runs}, empty handler ${rows[0]!.initRunsMs.at(-1)!.toFixed(1)} ms`);
    }
    const measureMs = performance.now() - t1;
    for (const row of rows) row.initMs = median(row.initRunsMs);

    const [floor, bare, ...functions] = rows as [BundleRow, BundleRow, ...BundleRow[]];
    functions.sort((a, b) => b.bytes - a.bytes);
    const largest = functions[0]!;
    const slowest = functions.reduce((a, b) => (b.initMs > a.initMs ? b : a));
    const n = functions.length;
    const figures = [
      figure(`bundle size, largest function (${largest.id})`, 'KiB', kib(largest.bytes), kib(floor.bytes)),
      figure(`bundle size, median of ${n} functions`, 'KiB', kib(median(functions.map((f) => f.bytes))), kib(floor.bytes)),
      figure(`module init, slowest function (${slowest.id})`, 'ms', slowest.initMs, floor.initMs),
      figure(`module init, median of ${n} functions`, 'ms', median(functions.map((f) => f.initMs)), floor.initMs),
      figure(`module init, median of ${n} functions, beside a handler with the DynamoDB client alone`, 'ms', median(functions.map((f) => f.initMs)), bare.initMs),
      figure(`bundle size, median, beside a handler with the DynamoDB client alone`, 'KiB', kib(median(functions.map((f) => f.bytes))), kib(bare.bytes)),
    ];
    const aims = [atMost('bundle size, median', figures[1]!, 400), aim('module init, median, beside the DynamoDB client alone', figures[4]!, 1.3)];
    return { figures, aims, bundles: { runs: o.runs, esbuildMs, measureMs, floor, bare, functions } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Every function beside the floor, largest bundle first. */
export const printBundleNotes = (b: BundleResults) => {
  const ratio = (value: number, floor: number) => `${(value / floor).toFixed(2)}×`;
  const rows = [
    ['function', 'kind', 'bundle', 'floor', 'ratio', 'init', 'floor', 'ratio', 'init min–max'],
    ...[b.floor, b.bare, ...b.functions].map((f) => [
      f === b.floor ? 'empty handler (floor)' : f === b.bare ? 'DynamoDB client alone (init floor)' : f.id,
      f.kind,
      kibText(f.bytes),
      kibText(b.floor.bytes),
      ratio(f.bytes, b.floor.bytes),
      `${f.initMs.toFixed(2)} ms`,
      `${b.floor.initMs.toFixed(2)} ms`,
      ratio(f.initMs, b.floor.initMs),
      `${Math.min(...f.initRunsMs).toFixed(1)}–${Math.max(...f.initRunsMs).toFixed(1)} ms`,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  console.log();
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    `bundles: esbuild as CDK's NodejsFunction runs it (infra/cdk/bundling.ts: ESM, node24, minified, AWS SDK included), one index.mjs per function. ` +
      `init = performance.now() around \`await import()\` of the bundle in a fresh node ${process.version} (no compile cache, table/Powertools/region env as in Lambda), ` +
      `median of ${b.runs} (min–max beside); the floors (bench/empty-handler.ts, bench/bare-dynamodb-handler.ts, bundled the same way) median of ${b.floor.initRunsMs.length}, imported after every ${FLOOR_EVERY} functions. Built in ${(b.esbuildMs / 1000).toFixed(1)} s, imports took ${(b.measureMs / 1000).toFixed(1)} s.`,
  );
};
