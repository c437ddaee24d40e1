import * as z from '../../domain/zod-mini.ts';
import { pathParam } from './path-params.ts';
import type { CommandContext } from '../../application/command.ts';
import { config } from '../lambda/wiring.ts';
import type { HttpRequest } from './http-handler.ts';
import { problem, validationProblem } from './problem.ts';

/** The request body validated by a zod schema; 400 with one entry per bad field. */
export const bodyOf = <T extends z.ZodMiniType>(request: HttpRequest, schema: T, whenAbsent: unknown = undefined): z.infer<T> => {
  const parsed = schema.safeParse(request.json ?? whenAbsent);
  if (!parsed.success) throw validationProblem(parsed.error);
  return parsed.data;
};

export const eidParam = (request: HttpRequest): string => pathParam(request, 'eid');

/** `If-Match: "7"` pins the version a command expects. */
export const expectedVersion = (request: HttpRequest): number | undefined => {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  // The version exactly as the ETag writes it: `"07"` or `"7.0"` is not `"7"`.
  const match = /^\s*(?:W\/)?"?(0|[1-9]\d{0,14})"?\s*$/.exec(header);
  if (!match) throw problem(400, 'invalid-if-match', 'If-Match must be a version as given in the ETag, e.g. "3"');
  return Number(match[1]);
};

export const commandContext = (request: HttpRequest): CommandContext => ({
  actor: request.caller.subject,
  correlationId: request.headers['x-correlation-id']?.slice(0, 128) || request.requestContext.requestId,
  region: config.region,
  expectedVersion: expectedVersion(request),
});


export const mnoParam = (request: HttpRequest) => pathParam(request, 'mnoId');
