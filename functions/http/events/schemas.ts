import { eventSchemas } from '../../../application/views/event-catalogue.ts';
import { httpHandler } from '../http-handler.ts';
import { json } from '../responses.ts';

const body = JSON.stringify(eventSchemas());

/** GET /v1/events/schemas: the event catalogue, one JSON Schema per event type (any valid token). */
export const handler = httpHandler('GET /v1/events/schemas', async () => ({
  ...json(200, undefined, { 'cache-control': 'max-age=300' }),
  body,
}));
