import type * as z from '../../domain/zod-mini.ts';
import type { IdempotentRouteKey } from '../../manifest/routes.ts';
import { config, dynamodb } from '../lambda/wiring.ts';
import { routeHandler, type HttpRequest, type HttpResult } from './http-handler.ts';
import { idempotency } from './middleware/idempotency.ts';
import type { QuerySchema } from './query.ts';

/**
 * A Lambda handler for a route that takes an Idempotency-Key (its access in the route table keeps
 * idempotency records): httpHandler's middleware, then Powertools idempotency keyed by the header.
 * Only the entry points of such routes import this module, and with it Powertools idempotency and
 * its JMESPath (about 52 KiB bundled; about 4.5 ms of module init, `npm run bench -- bundles`).
 */
export const idempotentHandler = <S extends QuerySchema = z.ZodMiniObject<{}>>(
  key: IdempotentRouteKey,
  fn: (request: HttpRequest<z.output<S>>) => Promise<HttpResult>,
  querySchema?: S,
) => routeHandler(key, fn, querySchema, idempotency(dynamodb, config.idempotencyTable, key));
