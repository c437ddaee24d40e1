import * as z from '../../domain/zod-mini.ts';

/**
 * What the platform's own routes answer (GET /health, GET /v1/openapi.json): the OpenAPI
 * document's schemas. Not bundled into a function: the handlers import only their types.
 */

/** The region can serve: its event store, workflow engine and bus answered. */
export const Health = z.strictObject({ status: z.literal('ok'), region: z.string() });

/** This document itself, loosely (OpenAPI 3.1 describes the rest). */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
