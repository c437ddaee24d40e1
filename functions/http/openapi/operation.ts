import type * as z from '../../../domain/zod-mini.ts';
import type { RouteKey } from '../../../manifest/routes.ts';
import type { QuerySchema } from '../query.ts';
import type { ProblemCode } from './problem-types.ts';

/** A schema the document names (`#/components/schemas/<name>`). */
export interface Named {
  name: string;
  schema: z.ZodMiniType;
}

export const named = (name: string, schema: z.ZodMiniType): Named => ({ name, schema });

/** Headers a success response sets. */
export type ReplyHeader = 'etag' | 'location' | 'cache-control';

export interface Reply {
  description: string;
  /** The JSON body; none for an empty one. */
  body?: Named;
  headers?: readonly ReplyHeader[];
}

/**
 * What the OpenAPI document says of one route, beside what the route table says (method, path,
 * scopes, tenant, public, idempotency). The schemas are the ones the handler parses with.
 */
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  query?: QuerySchema;
  body?: Named;
  /** The body may be left out (a command that only takes an optional reason). */
  bodyOptional?: boolean;
  /** Takes If-Match: the version (ETag) the command expects the resource to be at. */
  ifMatch?: boolean;
  responses: Partial<Record<200 | 201 | 202 | 204, Reply>>;
  /** What this operation answers besides what every route of its kind does (authentication, validation, storage). */
  problems?: readonly ProblemCode[];
}

export type Operations = Partial<Record<RouteKey, Operation>>;

/** `T`, which must fit `U`: ties what an application function answers (its own type, not a view of a schema) to the schema the document gives it, checked by tsc. */
export type Fits<T extends U, U> = T;
