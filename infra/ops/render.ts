import type { ExecutionProgress, TargetOutcome, TargetProgress } from './progress.ts';

export interface RenderOptions {
  /** ANSI colours (a terminal), or plain text (a pipe, NO_COLOR). */
  color: boolean;
  /** Columns available; lines are cut to fit. */
  width: number;
  now: Date;
  stateMachine: string;
  /** A note under the title, e.g. an error of the last refresh in --watch. */
  note?: string | undefined;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, gray: 90, bold: 1, dim: 2 } as const;
type Paint = (style: keyof typeof CODES, text: string) => string;

const STATUS_STYLE: Record<string, keyof typeof CODES> = { RUNNING: 'yellow', SUCCEEDED: 'green', FAILED: 'red', TIMED_OUT: 'red', ABORTED: 'gray', PENDING_REDRIVE: 'blue' };
const OUTCOME: Record<TargetOutcome, { mark: string; style: keyof typeof CODES }> = {
  running: { mark: '…', style: 'yellow' },
  succeeded: { mark: '✓', style: 'green' },
  failed: { mark: '✗', style: 'red' },
  aborted: { mark: '■', style: 'gray' },
};

/** `[████░░░░]` for `done` of `total`, `width` cells inside the brackets. */
export const bar = (done: number, total: number, width: number) => {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
};

export const duration = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

/** Cuts a line to `width` visible columns, leaving ANSI escapes whole. */
const fit = (line: string, width: number, color: boolean) => {
  let visible = 0;
  let out = '';
  for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) out += part;
    else for (const ch of part) if (visible++ < width - 1) out += ch;
  }
  return visible <= width ? line : `${out}…${color ? '\x1b[0m' : ''}`;
};

const targetLine = (t: TargetProgress, labelWidth: number, paint: Paint) => {
  const { mark, style } = OUTCOME[t.outcome];
  const what = t.outcome === 'running' ? (t.state ?? 'starting') : t.outcome === 'succeeded' ? 'done' : `${t.outcome} at ${(t.outcome === 'failed' ? t.failedAt : t.state) ?? '?'}`;
  const retries = t.failures > 0 ? paint('dim', ` (${t.failures} failed attempt${t.failures > 1 ? 's' : ''})`) : '';
  const error = t.lastError && t.outcome !== 'succeeded' ? `  ${paint(t.outcome === 'failed' ? 'red' : 'dim', t.lastError)}` : '';
  return `    ${paint(style, mark)} ${t.label.padEnd(labelWidth)} ${paint(style, bar(t.reached, t.stages, 8))} ${what}${retries}${error}`;
};

const executionLines = (e: ExecutionProgress, options: RenderOptions, paint: Paint) => {
  const status = paint(STATUS_STYLE[e.status] ?? 'bold', e.status.padEnd(9));
  const who = e.tenant ? `${paint('bold', e.tenant)} · ${e.subject ?? 'cascade'} ${e.cascadeId ?? '?'}` : paint('bold', e.name);
  const elapsed = e.stopDate ? `took ${duration(e.stopDate.getTime() - e.startDate.getTime())}` : `running ${duration(options.now.getTime() - e.startDate.getTime())}`;
  const redriven = e.redriveCount ? `, redriven ${e.redriveCount}×` : '';
  const where = e.status === 'RUNNING' ? `  at ${e.phase ?? 'start'}` : e.result ? `  → ${e.result}` : '';
  const name = e.name === e.cascadeId ? '' : `${e.name}, `;
  const lines = [`${status} ${who}  ${paint('dim', `${name}${elapsed}${redriven}`)}${where}`];
  const total = e.total ?? e.targets.length;
  if (total === 0 && e.total === undefined) return lines;
  const count = (o: TargetOutcome) => e.targets.filter((t) => t.outcome === o).length;
  const finished = count('succeeded') + count('failed');
  const tally = [
    paint('green', `✓ ${count('succeeded')}`),
    paint('red', `✗ ${count('failed')}`),
    paint('yellow', `… ${count('running') + Math.max(0, total - e.targets.length)}`),
    ...(count('aborted') ? [paint('gray', `■ ${count('aborted')}`)] : []),
  ].join('  ');
  lines.push(`  ${e.items ?? 'MNOs'} ${bar(finished, total, 24)} ${finished}/${total}  ${tally}`);
  const labelWidth = Math.max(0, ...e.targets.map((t) => t.label.length));
  for (const t of e.targets) lines.push(targetLine(t, labelWidth, paint));
  return lines;
};

/**
 * The screen of `ops executions`: running executions first, then recent ones, each with its
 * per-MNO progress. Pure: the same input gives the same text.
 */
export const renderExecutions = (executions: readonly ExecutionProgress[], options: RenderOptions): string => {
  const paint: Paint = (style, text) => (options.color ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text);
  const running = executions.filter((e) => e.status === 'RUNNING');
  const others = executions.filter((e) => e.status !== 'RUNNING');
  const lines = [
    `${paint('bold', options.stateMachine)}  ${running.length} running, ${others.length} recent  ${paint('dim', options.now.toISOString().slice(11, 19))}`,
    ...(options.note ? [paint('red', options.note)] : []),
  ];
  if (executions.length === 0) lines.push('', paint('dim', 'no executions yet'));
  for (const e of [...running, ...others]) lines.push('', ...executionLines(e, options, paint));
  return `${lines.map((l) => fit(l, options.width, options.color)).join('\n')}\n`;
};
