import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the SDK made: the operation (from X-Amz-Target, after the dot) and its JSON input. */
export interface AwsCall {
  operation: string;
  input: Record<string, any>;
}

/** An operation's answer: its JSON output, or an AWS error by name (`__type`) with a status. */
export type AwsAnswer = Record<string, unknown> | { error: string; status?: number; message?: string };

/**
 * A loopback HTTP server that speaks the AWS JSON protocol (1.0 and 1.1) for services with no
 * local emulator here (SQS, Secrets Manager): the real SDK client sends real requests to it and
 * the test sees what was sent and decides the answers. It checks nothing about signatures.
 */
export const startAwsJsonEndpoint = async (answer: (call: AwsCall) => AwsAnswer) => {
  const calls: AwsCall[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const call = { operation: target.slice(target.lastIndexOf('.') + 1), input: body ? JSON.parse(body) : {} };
      calls.push(call);
      const out = answer(call);
      const failed = 'error' in out && typeof out.error === 'string';
      res.writeHead(failed ? ((out as { status?: number }).status ?? 400) : 200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(failed ? { __type: out.error, message: (out as { message?: string }).message ?? out.error } : out));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise<void>((ok) => server.close(() => ok())) };
};
