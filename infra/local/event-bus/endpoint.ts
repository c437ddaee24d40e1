import { createServer, type Server } from 'node:http';
import { compilePattern } from '../../../functions/events/pattern.ts';
import type { PutEventsEntry, PutEventsResult } from './put-events.ts';

/**
 * The EventBridge JSON protocol (awsJson1_1, `X-Amz-Target: AWSEvents.<Action>`) over the local
 * bus, so the forwarder publishes with @aws-sdk/client-eventbridge exactly as in AWS
 * (AWS_ENDPOINT_URL_EVENTBRIDGE points here), and `aws events put-events` / `test-event-pattern`
 * work too. Actions: PutEvents, TestEventPattern, StartReplay and DescribeReplay (replays run at once).
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
  return createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    const fail = (type: string, message: string) => reply(400, { __type: type, message });
    const action = String(req.headers['x-amz-target'] ?? '').replace('AWSEvents.', '');
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    } catch {
      return fail('SerializationException', 'the body is not JSON');
    }
    try {
      switch (action) {
        case 'PutEvents':
          return reply(200, bus.putEvents(input.Entries as PutEventsEntry[]));
        case 'StartReplay':
          return reply(200, startReplay(input));
        case 'DescribeReplay': {
          const found = replays.get(String(input.ReplayName));
          return found ? reply(200, found) : fail('ResourceNotFoundException', `replay ${input.ReplayName} does not exist`);
        }
        case 'TestEventPattern': {
          const match = compilePattern(JSON.parse(String(input.EventPattern)));
          return reply(200, { Result: match(JSON.parse(String(input.Event))) });
        }
        default:
          return fail('UnknownOperationException', `${action || 'no action'} is not supported by the local endpoint`);
      }
    } catch (error) {
      const e = error as Error;
      if (e instanceof SyntaxError) return fail('InvalidEventPatternException', e.message);
      return ['ValidationException', 'InvalidEventPatternException', 'ResourceAlreadyExistsException'].includes(e.name)
        ? fail(e.name, e.message)
        : reply(500, { __type: 'InternalException', message: e.message });
    }
  });
};
