import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { DomainError } from '../../domain/errors.ts';
import { VersionConflict } from '../../domain/event-store.ts';
import { PreconditionFailed } from '../../application/command.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem: what went wrong, said so that a client can act on it and nothing leaks. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const problem = (status: number, code: string, detail?: string, errors?: FieldError[], headers?: Record<string, string>) =>
  new HttpProblem(status, code, TITLES[status] ?? 'Error', detail, errors, headers);

const DOMAIN_STATUS = { conflict: 409, forbidden: 403, 'not-found': 404, invalid: 400 } as const;

const pointer = (path: readonly PropertyKey[]) => '/' + path.map(String).join('/');

type Issue = { code?: string; path: readonly PropertyKey[]; message: string; errors?: Issue[][]; keys?: string[] };

/**
 * The issues to show: a value that fits none of a union's shapes is explained by the shape it came
 * closest to (the one whose keys it has, else the one with the fewest complaints), not by "Invalid input".
 */
const explained = (issues: readonly Issue[], base: readonly PropertyKey[] = []): { path: readonly PropertyKey[]; message: string }[] =>
  issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ path, message: issue.message }];
    const strangers = (branch: Issue[]) => branch.some((i) => i.code === 'unrecognized_keys' && i.path.length === 0);
    const ranked = [...issue.errors].sort((a, b) => Number(strangers(a)) - Number(strangers(b)) || a.length - b.length);
    return explained(ranked[0]!, path);
  });

export const validationProblem = (error: $ZodError, where = '') =>
  problem(
    400,
    'validation-failed',
    'the request is not valid',
    explained(error.issues as unknown as Issue[]).map((i) => ({ path: where + (i.path.length ? pointer(i.path) : ''), message: i.message })),
  );

/** Any error as a problem; what is not a known problem becomes an opaque 500 or 503. */
export const toProblem = (error: unknown): HttpProblem => {
  if (error instanceof HttpProblem) return error;
  // A SIM another request is registering: come back once that one is done.
  if (error instanceof DomainError) return problem(DOMAIN_STATUS[error.kind], error.code, error.message, undefined, error.code === 'registration-in-progress' ? { 'retry-after': '5' } : undefined);
  if (error instanceof $ZodError) return validationProblem(error);
  if (error instanceof PreconditionFailed)
    return problem(412, 'version-mismatch', 'the resource has changed since the version given in If-Match; read it again');
  if (error instanceof VersionConflict)
    return problem(409, 'concurrent-update', 'the resource kept changing while the command ran; retry', undefined, { 'retry-after': '1' });
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'IdempotencyValidationError')
    return problem(422, 'idempotency-key-reused', 'this Idempotency-Key was used with a different request body');
  if (name === 'IdempotencyAlreadyInProgressError')
    return problem(409, 'idempotency-key-in-progress', 'a request with this Idempotency-Key is still being processed', undefined, { 'retry-after': '1' });
  if (isUnavailable(error)) return problem(503, 'storage-unavailable', 'storage is unavailable; retry later', undefined, { 'retry-after': '1' });
  return problem(500, 'internal-error', 'an unexpected error occurred');
};

const isUnavailable = (error: unknown): boolean => {
  const e = error as { name?: string; code?: string; $metadata?: unknown; $retryable?: unknown; cause?: unknown } | null;
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(e.code ?? '')) return true;
  if (['TimeoutError', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError', 'ServiceUnavailable'].includes(e.name ?? ''))
    return true;
  return e.cause !== undefined && e.cause !== error && isUnavailable(e.cause);
};

export const problemResponse = (p: HttpProblem, instance?: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: p.status,
  headers: { 'content-type': 'application/problem+json', ...p.headers },
  body: JSON.stringify({
    type: `/problems/${p.code}`,
    title: p.title,
    status: p.status,
    ...(p.detail && { detail: p.detail }),
    ...(instance && { instance }),
    ...(p.errors && { errors: p.errors }),
  }),
});
