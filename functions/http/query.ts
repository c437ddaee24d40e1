import type { MiddlewareObj } from '@middy/core';
import type * as z from '../../domain/zod-mini.ts';
import type { HttpEvent } from './middleware/caller.ts';
import { problem, validationProblem, type FieldError } from './problem.ts';

/** What a route's query may hold: each parameter its schema names, at most once. */
export type QuerySchema = z.ZodMiniObject;

type QueryEvent = Pick<HttpEvent, 'rawQueryString' | 'queryStringParameters'>;

const pointer = (name: string) => `/query/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The parameters as sent, from the raw query string: API Gateway joins a repeated parameter's
 * values with commas in `queryStringParameters`, so only the raw string tells `a=1&a=2` from `a=1,2`.
 */
const parametersOf = (event: QueryEvent): [string, string][] =>
  event.rawQueryString === undefined
    ? Object.entries(event.queryStringParameters ?? {}).map(([name, value]) => [name, value ?? ''])
    : [...new URLSearchParams(event.rawQueryString)];

/**
 * The one query parser of every route: a parameter the route does not take, or one given more
 * than once, is a 400 naming it (`/query/<name>`); then the values are read by the schema. A route
 * without a schema takes no parameter.
 */
export const queryOf = <S extends QuerySchema>(event: QueryEvent, schema?: S): z.output<S> | Record<string, never> => {
  // Nothing given to a route that takes nothing: nothing to check (most commands).
  if (!schema && event.rawQueryString === '' && !event.queryStringParameters) return {};
  const names = new Set(schema ? Object.keys(schema.shape) : []);
  const values = new Map<string, string>();
  const errors = new Map<string, FieldError>();
  for (const [name, value] of parametersOf(event)) {
    if (errors.has(name)) continue;
    if (!names.has(name)) errors.set(name, { path: pointer(name), message: 'this route takes no such query parameter' });
    else if (values.has(name)) errors.set(name, { path: pointer(name), message: 'given more than once' });
    else values.set(name, value);
  }
  if (errors.size > 0) throw problem(400, 'validation-failed', 'the request is not valid', [...errors.values()]);
  if (!schema) return {};
  const parsed = schema.safeParse(Object.fromEntries(values));
  if (!parsed.success) throw validationProblem(parsed.error, '/query');
  return parsed.data;
};

/** Puts the route's parsed query in `event.query`, or refuses the request (400) before the handler runs. */
export const query = (schema?: QuerySchema): MiddlewareObj<HttpEvent & { query?: unknown }> => ({
  before: (request) => {
    request.event.query = queryOf(request.event, schema);
  },
});
