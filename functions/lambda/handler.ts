import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from '../../domain/zod-mini.ts';
import { logger } from '../../adapters/observability/logger.ts';
import { readEnvironment } from '../../manifest/environment.ts';

/** An input that does not fit its schema: which fields, and why (never their values). */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
}

type Issue = { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] };

/** The Standard Schema issues Powertools puts in the ParseError's cause, as one line. */
const described = (error: unknown) => {
  const cause = (error as { cause?: unknown }).cause;
  const issues: Issue[] = Array.isArray(cause) ? cause : [];
  const where = (i: Issue) => (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.') || '(input)';
  return new InvalidInput(`the input does not fit: ${issues.map((i) => `${where(i)}: ${i.message}`).join('; ') || 'no detail'}`);
};

/** Powertools' ParseError says only that parsing failed (the fields are in its cause): say which, in the error itself, where Step Functions and logs show it. */
const nameTheFields = (): middy.MiddlewareObj => ({
  onError: (request) => {
    if ((request.error as Error | undefined)?.name === 'ParseError') throw described(request.error);
  },
});

/**
 * A Lambda handler that is not an HTTP route (a workflow task, a rule's target, a stream or queue
 * consumer), with the middleware every one of them gets: the logger's Lambda context (request id, cold start, function), and its input
 * parsed with zod before the handler sees it (Powertools parser): a malformed input fails at once
 * as an `InvalidInput` that names the fields, never deep inside the handler.
 */
export const lambdaHandler = <S extends z.core.$ZodType, R>(schema: S, fn: (input: z.output<S>, context: Context) => Promise<R>) => {
  const handler = middy<z.output<S>, R, Error, Context>(fn, { timeoutEarlyInMillis: 0 });
  // One function per process in Lambda; the local runtime runs every handler in one process, where
  // one logger's Lambda context would name whichever invocation came last.
  if (readEnvironment().AWS_LAMBDA_FUNCTION_NAME) handler.use(injectLambdaContext(logger, { resetKeys: true }));
  return handler.use(nameTheFields()).use(parser({ schema }));
};

/**
 * A schema that checks an input against `schema` and hands on the input itself, untouched (key
 * order and all), typed as `T`: for events passed on whole, such as a webhook's body.
 */
export const checked = <T>(schema: z.core.$ZodType) =>
  z.unknown().check(
    z.superRefine((input, ctx) => {
      const result = z.safeParse(schema, input);
      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: 'custom', input: undefined } as never);
    }),
  ) as unknown as z.core.$ZodType<T, T>;
