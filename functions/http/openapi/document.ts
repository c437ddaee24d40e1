import * as z from '../../../domain/zod-mini.ts';
import { ROUTES, routeKey, type Route, type RouteKey } from '../../../manifest/routes.ts';
import { Port } from '../../../domain/policy/data-rules.ts';
import { PATH_PARAMS, type PathParam } from '../path-params.ts';
import type { Named, Operation, ReplyHeader } from './operation.ts';
import { OPERATIONS } from './operations/index.ts';
import { PROBLEM_TYPES, type ProblemCode } from './problem-types.ts';

type Json = Record<string, unknown>;
const SCHEMAS = '#/components/schemas/';
const ref = (name: string) => ({ $ref: SCHEMAS + name });

/**
 * What zod cannot write itself: a schema checked by code alone (`z.custom`) is written as `{}`;
 * these are the shapes their checks take.
 */
const WRITTEN_BY_HAND = new Map<unknown, Json>([
  [Port, { oneOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'string', pattern: '^\\d{1,5}-\\d{1,5}$', description: 'an inclusive range, e.g. "8000-8099"' }] }],
]);

const override = (ctx: { zodSchema: unknown; jsonSchema: Json }) => {
  const written = WRITTEN_BY_HAND.get(ctx.zodSchema);
  if (written) Object.assign(ctx.jsonSchema, written);
};

/** JSON Schema of a zod schema, as a request sends it (`input`) or a response carries it (`output`). */
const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema as z.core.$ZodType, { io, unrepresentable: 'any', override }) as Json;
  return rest;
};

/** The schemas the document names, one registry per direction: a schema is named once, a name given once. */
const components = () => {
  const registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  const names = new Map<string, z.ZodMiniType>();
  return {
    name({ name, schema }: Named, io: 'input' | 'output') {
      const taken = names.get(name);
      if (taken && taken !== schema) throw new Error(`two schemas are named ${name}`);
      names.set(name, schema);
      if (!registries[io].has(schema as z.core.$ZodType)) registries[io].add(schema as z.core.$ZodType, { id: name });
      return ref(name);
    },
    schemas(): Json {
      const out: Json = {};
      for (const io of ['input', 'output'] as const) {
        const { schemas } = z.toJSONSchema(registries[io], { io, unrepresentable: 'any', override, uri: (id) => SCHEMAS + id });
        for (const [id, { $schema: _, $id: __, ...schema }] of Object.entries(schemas as Record<string, Json>)) {
          // One name for a schema sent and answered alike; where the two differ (defaults, transforms), two names.
          if (id in out && JSON.stringify(out[id]) !== JSON.stringify(schema)) throw new Error(`${id} reads differently as a request and as an answer: name each`);
          out[id] = schema;
        }
      }
      return out;
    },
  };
};

/** Whether a route reads or writes storage (else it cannot find it unavailable). */
const touchesStorage = (route: Route) => Boolean(route.access.eventStore || route.access.tables?.length || route.access.idempotency);

/** The problems every route of a kind answers, besides its own. */
const commonProblems = (route: Route, op: Operation): ProblemCode[] => [
  'internal-error',
  // GET /health is bare (no middleware): it reads no query and no body.
  ...(route.access.checksHealth ? [] : (['validation-failed'] as const)),
  ...(touchesStorage(route) ? (['storage-unavailable'] as const) : []),
  ...(route.public ? [] : (['unauthenticated'] as const)),
  ...(route.scopes.length > 0 ? (['insufficient-scope'] as const) : []),
  ...(route.scopes.some((s) => s.startsWith('platform:')) ? (['platform-scope-on-tenant-token'] as const) : []),
  ...(route.tenant ? (['no-tenant', 'tenant-not-active'] as const) : []),
  ...(route.method === 'POST' || route.method === 'PUT' ? (['malformed-json', 'body-too-deep', 'body-too-large', 'unsupported-media-type'] as const) : []),
  ...(route.access.idempotency ? (['invalid-idempotency-key', 'idempotency-key-in-progress', 'idempotency-key-reused'] as const) : []),
  ...(op.ifMatch ? (['invalid-if-match', 'version-mismatch'] as const) : []),
  // A command that appends may find the stream moved on under it, again and again.
  ...(route.access.eventStore === 'append' ? (['concurrent-update'] as const) : []),
];

/**
 * Statuses the gateway answers itself, as `about:blank` problems: a malformed path or a header
 * given twice, its authorizer, its body limit, a handler that crashed.
 */
const GATEWAY_STATUSES = new Set([400, 401, 403, 413, 500]);

/** API Gateway's JWT authorizer answers a refused token `{"message":"Unauthorized"}` (401) or `{"message":"Forbidden"}` (403), as JSON: HTTP APIs cannot shape it. */
const AUTHORIZER_STATUSES = new Set([401, 403]);

const problemResponses = (route: Route, codes: readonly ProblemCode[]) => {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const status = PROBLEM_TYPES[code][0];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => {
      const types = [...list.sort().map((c) => `/problems/${c}`), ...(GATEWAY_STATUSES.has(status) ? ['about:blank'] : [])];
      const retries = list.some((c) => PROBLEM_TYPES[c][1].includes('Retry-After'));
      return [
        String(status),
        {
          description: list.map((c) => `\`${c}\`: ${PROBLEM_TYPES[c][1]}`).join('; '),
          ...(retries && { headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } }),
          content: {
            'application/problem+json': { schema: { allOf: [ref('Problem')], properties: { type: { enum: types } } } },
            ...(!route.public && AUTHORIZER_STATUSES.has(status) && { 'application/json': { schema: ref('AuthorizerMessage') } }),
          },
        },
      ];
    }),
  );
};

const HEADER_NAMES: Record<ReplyHeader, string> = { etag: 'ETag', location: 'Location', 'cache-control': 'Cache-Control' };

const pathParameters = (path: string) =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const schema = PATH_PARAMS[name as PathParam];
    if (!schema) throw new Error(`path parameter ${name} of ${path} is not in PATH_PARAMS`);
    return { name, in: 'path', required: true, schema: jsonSchema(schema, 'input') };
  });

const queryParameters = (op: Operation) => {
  if (!op.query) return [];
  const { properties = {}, required = [] } = jsonSchema(op.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  // A default of a parsed parameter is of its parsed type (limit: 20), which zod leaves out of the
  // input's schema: the parameter as sent is a string, so the document gives it as one.
  const defaultOf = (name: string) => (op.query!.shape[name] as unknown as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
  return Object.entries(properties).map(([name, schema]) => {
    const def = defaultOf(name);
    const fallback = def.type === 'default' && schema.default === undefined ? { default: String(def.defaultValue) } : {};
    return { name, in: 'query', required: required.includes(name), schema: { ...schema, ...fallback } };
  });
};

const operationObject = (route: Route, op: Operation, named: ReturnType<typeof components>) => {
  const headers = [
    ...(route.access.idempotency ? [{ $ref: '#/components/parameters/Idempotency-Key' }] : []),
    ...(op.ifMatch ? [{ $ref: '#/components/parameters/If-Match' }] : []),
    ...(route.public ? [] : [{ $ref: '#/components/parameters/X-Correlation-Id' }]),
  ];
  const replies = Object.entries(op.responses).map(([status, reply]) => [
    status,
    {
      description: reply!.description,
      ...(reply!.headers?.length && { headers: Object.fromEntries(reply!.headers.map((h) => [HEADER_NAMES[h], { $ref: `#/components/headers/${HEADER_NAMES[h]}` }])) }),
      ...(reply!.body && { content: { 'application/json': { schema: named.name(reply!.body, 'output') } } }),
    },
  ]);
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description && { description: op.description }),
    tags: [op.tag],
    security: route.public ? [] : route.scopes.length ? route.scopes.map((s) => ({ bearer: [s] })) : [{ bearer: [] }],
    ...(route.public && route.publicBecause && { 'x-public-because': route.publicBecause }),
    parameters: [...pathParameters(route.path), ...queryParameters(op), ...headers],
    ...(op.body && { requestBody: { required: !op.bodyOptional, content: { 'application/json': { schema: named.name(op.body, 'input') } } } }),
    responses: { ...Object.fromEntries(replies), ...problemResponses(route, [...commonProblems(route, op), ...(op.problems ?? [])]) },
  };
};

const PROBLEM = {
  type: 'object',
  description: 'An RFC 9457 problem. `type` names it (`/problems/<code>`, or `about:blank` from the gateway); `errors[]` says where a request did not fit.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } }, additionalProperties: false } },
  },
  additionalProperties: false,
};

/** The OpenAPI 3.1 document of the route table: every route, from the schemas its handler uses. */
export const openApiDocument = (version: string, routes: readonly Route[] = ROUTES) => {
  const named = components();
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const op = OPERATIONS[routeKey(route) as RouteKey];
    const forPath = (paths[route.path] ??= {});
    forPath[route.method.toLowerCase()] = operationObject(route, op, named);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Switchboard API',
      version,
      description:
        'One zero-trust API over many mobile network operators: SIM and eSIM provisioning, lifecycle, security policies cascaded to every MNO, alerts and containment. ' +
        'Errors are RFC 9457 problems (application/problem+json). Commands that create take an Idempotency-Key; commands on a versioned resource take If-Match with its ETag. ' +
        'Lists are paged: pass the `nextCursor` a page gives back as `cursor`.',
    },
    externalDocs: { description: 'The event catalogue: one JSON Schema per event the bus carries (GET /v1/events/schemas)', url: '/v1/events/schemas' },
    tags: [...new Set(Object.values(OPERATIONS).map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: {
        ...named.schemas(),
        Problem: PROBLEM,
        AuthorizerMessage: {
          type: 'object',
          description: 'What API Gateway’s JWT authorizer answers in AWS for a token it refuses, before any function runs (the local gateway answers a problem).',
          required: ['message'],
          properties: { message: { type: 'string' } },
        },
      },
      parameters: {
        'Idempotency-Key': { name: 'Idempotency-Key', in: 'header', required: false, description: 'Makes the command safe to send again: the same key with the same body answers what the first answered, for 24 hours.', schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' } },
        'If-Match': { name: 'If-Match', in: 'header', required: false, description: 'The version the command expects, as the resource’s ETag gives it (e.g. "3"); 412 if it has moved on.', schema: { type: 'string' } },
        'X-Correlation-Id': { name: 'X-Correlation-Id', in: 'header', required: false, description: 'Carried into the events the request causes (up to 128 characters); the request id otherwise.', schema: { type: 'string' } },
      },
      headers: {
        ETag: { description: 'The resource’s version ("3"); weak (W/"3.12") while a workflow on it runs.', required: true, schema: { type: 'string' } },
        Location: { description: 'Where the resource is read.', required: true, schema: { type: 'string' } },
        'Cache-Control': { description: 'How long the answer may be kept.', schema: { type: 'string' } },
        'Retry-After': { description: 'Seconds to wait before sending the request again.', schema: { type: 'string' } },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT from the platform’s issuer. Each operation lists the scopes it takes (any one of them). Tenant operations act for the `tenant` claim; platform scopes (`platform:*`) count only on a token that names no tenant.',
        },
      },
    },
  };
};
