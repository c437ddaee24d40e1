import * as z from '../../../domain/zod-mini.ts';

/**
 * The ESipa routes' request schemas: the handlers parse with them and the OpenAPI document
 * describes them. Reads no environment.
 */

/** A flattened JWS (ES256), as the device sends its request, result and certificate. */
export const Signed = z.strictObject({
  protected: z.string().check(z.maxLength(4096)),
  payload: z.string().check(z.maxLength(65_536)),
  signature: z.string().check(z.maxLength(512)),
});

/** POST /v1/esipa/{eid}/packages/next: the device's request (`{ eid, at }`) signed by its eUICC, and the eUICC's certificate from its EUM. */
export const NextPackageRequest = z.strictObject({ request: Signed, certificate: Signed });

/** POST /v1/esipa/{eid}/results: the eUICC's signed result of a package, and its certificate. */
export const PackageResult = z.strictObject({ result: Signed, certificate: Signed });
