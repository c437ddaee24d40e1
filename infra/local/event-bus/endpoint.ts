import { createServer, type Server } from 'node:http';
import { compilePattern } from '../../../functions/events/pattern.ts';
import type { BusEvent, PutEventsEntry, PutEventsResult } from './put-events.ts';

/**
 * The EventBridge JSON protocol (awsJson1_1, `X-Amz-Target: AWSEvents.<Action>`) over the local
 * bus, so the forwarder publishes with @aws-sdk/client-eventbridge exactly as in AWS
 * (AWS_ENDPOINT_URL_EVENTBRIDGE points here), and `aws events put-events` / `test-event-pattern`
 * work too. Actions: PutEvents, TestEventPattern.
 */
export const eventBridgeEndpoint = (bus: {
  putEvents(entries: PutEventsEntry[]): PutEventsResult;
  subscribe(listener: (event: BusEvent) => void): () => void;
}): Server =>
  createServer(async (req, res) => {
    // Not an AWS action: the local bus's live feed (`npm run ops -- events --follow`), one event per line.
    if (req.method === 'GET' && req.url === '/_local/events') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      const unsubscribe = bus.subscribe((event) => res.write(JSON.stringify(event) + '\n'));
      req.socket.on('close', unsubscribe);
      return;
    }
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
      return e.name === 'ValidationException' || e.name === 'InvalidEventPatternException' ? fail(e.name, e.message) : reply(500, { __type: 'InternalException', message: e.message });
    }
  });
