import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** An action of a local AWS endpoint: the request's JSON object in, the response's out (or a throw). */
export type AwsJsonAction = (input: Record<string, unknown>) => unknown;

export interface AwsJsonService {
  /** The X-Amz-Target prefix before the action name, e.g. `AWSStepFunctions.`. */
  targetPrefix: string;
  /** The AWS JSON protocol version the service's SDK client speaks. */
  protocol: '1.0' | '1.1';
  /** What the service is called in "not supported" messages. */
  name: string;
  actions: Readonly<Record<string, AwsJsonAction>>;
  /** An error an action threw because of the request: answered 400 as `{ __type, message }`; anything else is a 500. */
  clientError(error: Error): { type: string; message: string } | undefined;
  /** The `__type` of a 500. */
  internalErrorType: string;
}

/**
 * An HTTP server speaking the AWS JSON protocol (`X-Amz-Target: <prefix><Action>`, a JSON object
 * body, errors as `{ __type, message }` with AWS's names) over local actions, so the SDK clients
 * and the AWS CLI (`--endpoint-url`) work against it. Requests are not signature-checked.
 */
export const awsJsonEndpoint = (service: AwsJsonService): Server =>
  createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': `application/x-amz-json-${service.protocol}`, 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(body));
    };
    const fail = (type: string, message: string, status = 400) => reply(status, { __type: type, message });
    const action = String(req.headers['x-amz-target'] ?? '').replace(service.targetPrefix, '');
    const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    if (!handler) return fail('UnknownOperationException', `${action || 'no action'} is not supported by the local ${service.name} endpoint`);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      if (typeof input !== 'object' || !input || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return fail('SerializationException', 'the body is not a JSON object');
    }
    try {
      return reply(200, handler(input));
    } catch (error) {
      const e = error as Error;
      const known = service.clientError(e);
      return known ? fail(known.type, known.message) : fail(service.internalErrorType, e.message, 500);
    }
  });
