import { Health, OpenApiDocument } from '../../../../application/views/platform.schema.ts';
import { named, type Operations } from '../operation.ts';

export const PLATFORM_OPERATIONS = {
  'GET /health': {
    operationId: 'getHealth',
    summary: 'Whether the region can serve',
    description:
      'No token (load balancers and Route 53 health checks call it): 200 when the region’s event store, workflow engine and event bus each answer within 2 s, else 503 naming what does not, and nothing more. The answer is kept 5 s and never cached.',
    tag: 'Platform',
    responses: { 200: { description: 'The region can serve', body: named('Health', Health), headers: ['cache-control'] } },
    problems: ['dependency-unavailable'],
  },
  'GET /v1/openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    description: 'The API’s OpenAPI 3.1 document, generated from the code (the route table, the handlers’ schemas, the problem types). No token.',
    tag: 'Platform',
    responses: { 200: { description: 'The document', body: named('OpenApiDocument', OpenApiDocument), headers: ['cache-control'] } },
  },
} satisfies Operations;
