import { BUS_NAME } from '../../../manifest/rules.ts';
import type { Server } from 'node:http';
import { compilePattern } from './pattern.ts';
import { awsJsonEndpoint } from '../aws-json-endpoint.ts';
import type { PutEventsEntry, PutEventsResult } from './put-events.ts';

const CLIENT_ERRORS = new Set(['ValidationException', 'InvalidEventPatternException', 'ResourceAlreadyExistsException', 'ResourceNotFoundException']);

/**
 * The EventBridge JSON protocol (awsJson1_1, `X-Amz-Target: AWSEvents.<Action>`) over the local
 * bus, so the forwarder publishes with @aws-sdk/client-eventbridge exactly as in AWS
 * (AWS_ENDPOINT_URL_EVENTBRIDGE points here), and `aws events put-events` / `test-event-pattern`
 * work too. Actions: PutEvents, DescribeEventBus, TestEventPattern, StartReplay and DescribeReplay (replays run at once).
 */
export const eventBridgeEndpoint = (bus: {
  putEvents(entries: PutEventsEntry[]): PutEventsResult;
  replay(filter: { name?: string; from?: Date; to?: Date; rules?: readonly string[] }): { name: string; replayed: number };
  account: string;
  region: string;
}): Server => {
  const replays = new Map<string, Record<string, unknown>>();
  const arn = (kind: string, name: string) => `arn:aws:events:${bus.region}:${bus.account}:${kind}/${name}`;
  /** StartReplay: the archive's events in [start, end) routed again, to every rule or to the rules named in FilterArns. Runs at once. */
  const startReplay = (input: Record<string, unknown>) => {
    const name = String(input.ReplayName ?? '');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw Object.assign(new Error('ReplayName is 1–64 of . - _ A-Z a-z 0-9'), { name: 'ValidationException' });
    if (replays.has(name)) throw Object.assign(new Error(`replay ${name} already exists`), { name: 'ResourceAlreadyExistsException' });
    const from = new Date(Number(input.EventStartTime) * 1000);
    const to = new Date(Number(input.EventEndTime) * 1000);
    const filterArns = ((input.Destination as { FilterArns?: string[] } | undefined)?.FilterArns ?? []).map((a) => a.split('/').at(-1)!);
    const started = Date.now() / 1000;
    const { replayed } = bus.replay({ name, from, to, ...(filterArns.length > 0 && { rules: filterArns }) });
    replays.set(name, {
      ReplayName: name,
      ReplayArn: arn('replay', name),
      State: 'COMPLETED',
      StateReason: `${replayed} event(s) replayed`,
      EventSourceArn: input.EventSourceArn,
      Destination: input.Destination,
      EventStartTime: input.EventStartTime,
      EventEndTime: input.EventEndTime,
      ReplayStartTime: started,
      ReplayEndTime: Date.now() / 1000,
    });
    return { ReplayArn: arn('replay', name), State: 'STARTING', ReplayStartTime: started };
  };
  return awsJsonEndpoint({
    targetPrefix: 'AWSEvents.',
    protocol: '1.1',
    name: 'EventBridge',
    actions: {
      PutEvents: (input) => bus.putEvents(input.Entries as PutEventsEntry[]),
      StartReplay: startReplay,
      DescribeEventBus: (input) => {
        const name = String(input.Name ?? 'default');
        if (name !== BUS_NAME && name !== 'default') throw Object.assign(new Error(`event bus ${name} does not exist`), { name: 'ResourceNotFoundException' });
        return { Name: name, Arn: arn('event-bus', name) };
      },
      DescribeReplay: (input) => {
        const found = replays.get(String(input.ReplayName));
        if (!found) throw Object.assign(new Error(`replay ${input.ReplayName} does not exist`), { name: 'ResourceNotFoundException' });
        return found;
      },
      TestEventPattern: (input) => ({ Result: compilePattern(JSON.parse(String(input.EventPattern)))(JSON.parse(String(input.Event))) }),
    },
    clientError: (e) => {
      if (e instanceof SyntaxError) return { type: 'InvalidEventPatternException', message: e.message };
      return CLIENT_ERRORS.has(e.name) ? { type: e.name, message: e.message } : undefined;
    },
    internalErrorType: 'InternalException',
  });
};
