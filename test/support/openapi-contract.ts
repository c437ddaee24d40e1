import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { OpenAPIBackend } from 'openapi-backend';

/**
 * Every answer of the local API checked against docs/openapi.json: the route matched to its
 * operation by openapi-backend's router, the body validated by Ajv (JSON Schema 2020-12, as
 * OpenAPI 3.1 defines it) against the schema the document gives for that status and media type,
 * and the headers the document says the answer sets. A status, media type, field or problem type
 * the document does not list is a violation. Gateway answers to requests no route takes (404, 405,
 * a malformed path or header: `about:blank`) are not any operation's.
 */
const document = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
const router = new OpenAPIBackend({ definition: document, quick: true, validate: false });
await router.init();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, 'openapi');

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The operations answered so far in this process (a contract test asserts it saw them all). */
export const answeredOperations = new Set<string>();

export const contractViolations = (method: string, url: string, status: number, headers: Headers, body: unknown): string[] => {
  const { pathname, searchParams } = new URL(url);
  // HEAD is GET without a body (the gateway answers it so on every GET route).
  const head = method === 'HEAD';
  const operation = router.matchOperation({ method: head ? 'GET' : method, path: pathname, headers: {}, query: Object.fromEntries(searchParams) });
  const about = (body as { type?: unknown } | undefined)?.type === 'about:blank';
  if (!operation?.operationId) return about && [400, 404, 405, 431].includes(status) ? [] : [`${method} ${pathname} → ${status}: no operation of the document takes this request`];
  if (about && [404, 405, 431].includes(status) && !operation.responses?.[String(status)]) return [];
  const where = `${method} ${pathname} → ${status} (${operation.operationId})`;
  const response = operation.responses?.[String(status)] as { content?: Record<string, unknown>; headers?: Record<string, { required?: boolean } | { $ref: string }> } | undefined;
  if (!response) return [`${where}: the document lists no ${status} for this operation`];
  answeredOperations.add(operation.operationId);
  const problems: string[] = [];
  const type = headers.get('content-type')?.split(';')[0]?.trim();
  const media = response.content ? Object.keys(response.content) : [];
  if (media.length === 0 && body !== undefined && body !== '') problems.push(`${where}: the document says no body, the answer has one`);
  if (type === 'application/problem+json' && (body as { status?: unknown })?.status !== status) problems.push(`${where}: the problem says status ${(body as { status?: unknown })?.status}`);
  if (media.length > 0 && !head) {
    if (!type || !media.includes(type)) problems.push(`${where}: content-type ${type} is not one of ${media.join(', ')}`);
    else {
      const path = `openapi#/${pointer('paths', operation.path, operation.method, 'responses', String(status), 'content', type, 'schema')}`;
      const validate = ajv.getSchema(path)!;
      if (!validate(body)) problems.push(`${where}: ${ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' })}`);
    }
  }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const required = '$ref' in header ? (document.components.headers[header.$ref.split('/').pop()!]?.required ?? false) : (header.required ?? false);
    if (required && !headers.has(name)) problems.push(`${where}: header ${name} is missing`);
  }
  return problems;
};
