import { parseArgs } from 'node:util';
import { SFNClient } from '@aws-sdk/client-sfn';
import { OpsError, stepFunctionsConfig } from './endpoints.ts';
import { executionsWatcher, findStateMachine } from './executions.ts';
import { parseSince, showEvents } from './events.ts';
import { profileOf } from './progress.ts';
import { renderExecutions } from './render.ts';

const USAGE = `usage: npm run ops -- <command> [options]

  executions [--watch] [--recent N] [--state-machine <name|arn>] [--region <region>]
      running and recent executions of the cascade state machine, with per-MNO progress;
      --watch redraws every second until Ctrl-C
  bulk [--watch] [--recent N] [--region <region>]
      the same for bulk operations (fallback's too): each execution's chunks, run and running
      (each SIM's outcome: GET /v1/bulk-operations/{id})
  events [--follow] [--since <10m|2026-11-24T10:00:00Z>] [--filter <pattern>] [--json] [--region <region>]
      the events on the bus, one line each (--json: the whole event), from the CloudWatch Logs
      group its ops-feed rule writes to (FilterLogEvents): those since --since (default 10m, or
      1m with --follow), then with --follow the new ones every second until Ctrl-C; --filter is
      a CloudWatch Logs filter pattern, e.g. '{ $.detail.tenant = "acme" }'

Endpoints come from $SWITCHBOARD_DATA_DIR/endpoints.json (default .switchboard/), written by
npm start; with --region, AWS itself through the SDK's default credential chain.
`;

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        watch: { type: 'boolean', default: false },
        follow: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        recent: { type: 'string', default: '5' },
        since: { type: 'string' },
        filter: { type: 'string' },
        'state-machine': { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`ops: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();

const executions = async () => {
  const recent = Number(values.recent);
  if (!Number.isInteger(recent) || recent < 0 || recent > 1000) throw new OpsError('--recent takes a whole number from 0 to 1000');
  const sfn = new SFNClient(stepFunctionsConfig(values.region));
  const machine = await findStateMachine(sfn, positionals[0] === 'bulk' ? (values['state-machine'] ?? 'switchboard-bulk') : values['state-machine']);
  const read = executionsWatcher(sfn, machine.arn, recent, profileOf(machine.name));
  const tty = process.stdout.isTTY === true;
  const options = () => ({ color: tty && !process.env.NO_COLOR, width: process.stdout.columns || Number.POSITIVE_INFINITY, now: new Date(), stateMachine: machine.name });
  if (!values.watch) {
    process.stdout.write(renderExecutions(await read(), options()));
    return;
  }
  let stopped = false;
  const stop = () => {
    stopped = true;
    if (tty) process.stdout.write('\x1b[?25h');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (tty) process.stdout.write('\x1b[?25l');
  let last: Awaited<ReturnType<typeof read>> = [];
  while (!stopped) {
    let note: string | undefined;
    try {
      last = await read();
    } catch (error) {
      note = `refresh failed: ${(error as Error).message} (showing the last answer)`;
    }
    // As many lines as the terminal has, so that redrawing from the top never scrolls.
    const frame = renderExecutions(last, { ...options(), note }).split('\n').slice(0, (process.stdout.rows || 1000) - 1).join('\n');
    // Home, the frame with each line's rest cleared, then the rest of the screen cleared: no flicker.
    process.stdout.write(tty ? `\x1b[H${frame.replaceAll('\n', '\x1b[K\n')}\x1b[K\x1b[J` : `${frame}\n\n`);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
};

const main = async () => {
  const [command] = positionals;
  if (values.help) return void process.stdout.write(USAGE);
  if (command === 'executions' || command === 'bulk') return executions();
  if (command === 'events') {
    const since = parseSince(values.since ?? (values.follow ? '1m' : '10m'));
    return showEvents({ region: values.region, json: values.json, follow: values.follow, since, filterPattern: values.filter });
  }
  process.stderr.write(command ? `ops: unknown command ${command}\n\n${USAGE}` : USAGE);
  process.exit(2);
};

const explain = (error: Error & { code?: string }) => {
  if (error instanceof OpsError) return error.message;
  if (error.code === 'ECONNREFUSED') return `${error.message}: is the local runtime still running? (endpoints.json may be stale)`;
  return `${error.name}: ${error.message}`;
};

main().catch((error: Error) => {
  process.stderr.write(`ops: ${explain(error)}\n`);
  process.exit(1);
});
