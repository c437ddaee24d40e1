import document from '../../../docs/openapi.json' with { type: 'json' };
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';

const body = JSON.stringify(document);

/** GET /v1/openapi.json: the API's OpenAPI 3.1 document, as written to docs/openapi.json from the code (no token). */
export const handler = httpHandler('GET /v1/openapi.json', async () => ({
  ...json(200, undefined, { 'cache-control': 'max-age=300' }),
  body,
}));
