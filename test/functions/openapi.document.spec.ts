import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../manifest/routes.ts';
import { openApiText } from '../../functions/http/openapi/text.ts';
import { PROBLEM_TYPES } from '../../functions/http/openapi/problem-types.ts';

const root = new URL('../../', import.meta.url).pathname;
describe('the OpenAPI document', () => {
  let document: any;
  beforeAll(() => void (document = JSON.parse(openApiText())));

  it('docs/openapi.json is up to date (npm run openapi)', () => {
    expect(readFileSync(join(root, 'docs/openapi.json'), 'utf8')).toBe(openApiText());
  });

  it('is valid OpenAPI 3.1 for a well-kept validator', async () => {
    const result = await validate(structuredClone(document));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('compiles, every schema of it, under JSON Schema 2020-12 in strict mode', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats.default(ajv);
    ajv.addKeyword('components');
    ajv.addSchema({ $id: 'openapi', components: document.components });
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => ajv.compile({ $ref: `openapi#/components/schemas/${name}` }), name).not.toThrow();
    }
  });

  it('has every route of the route table, each once, with its scopes and whether it needs a token', () => {
    const operations = ROUTES.map((r) => document.paths[r.path]?.[r.method.toLowerCase()]);
    expect(operations.every(Boolean)).toBe(true);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(ROUTES.length);
    for (const [route, op] of ROUTES.map((r, i) => [r, operations[i]] as const)) {
      if ('public' in route && route.public) expect(op.security, route.path).toEqual([]);
      else if (route.scopes.length) expect(op.security, route.path).toEqual(route.scopes.map((s) => ({ bearer: [s] })));
    }
    expect(document.paths['/v1/openapi.json'].get.security).toEqual([]);
  });

  it('says which commands take Idempotency-Key, and what a SIM answer carries', () => {
    const register = document.paths['/v1/sims'].post;
    expect(register.parameters).toContainEqual({ $ref: '#/components/parameters/Idempotency-Key' });
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '422', '500', '503']));
    expect(register.responses['201'].headers).toMatchObject({ ETag: {}, Location: {} });
  });
});

/** Every `problem(status, 'code'`, `refused(…, status, 'code'` and `new DomainError('kind', 'code'` in the code. */
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

const KIND_STATUS = { conflict: 409, forbidden: 403, 'not-found': 404, invalid: 400 } as const;

describe('the problem types', () => {
  const answered = new Map<string, { status: number; where: string }>();
  for (const file of [...sources('functions/http'), ...sources('domain'), ...sources('application')]) {
    const text = readFileSync(join(root, file), 'utf8');
    const where = relative(root, join(root, file));
    for (const [, status, code] of text.matchAll(/\b(?:problem\(|refused\([^,]+,)\s*(\d{3}),\s*'([a-z-]+)'/g)) answered.set(code!, { status: Number(status), where });
    // A problem written out as JSON (GET /health): its code must be listed; its status is the table's.
    for (const [, code] of text.matchAll(/'\/problems\/([a-z-]+)'/g)) answered.set(code!, { status: (PROBLEM_TYPES as Record<string, readonly [number, string]>)[code!]?.[0] ?? -1, where });
    for (const [, kind, code] of text.matchAll(/new DomainError\(\s*'([a-z-]+)',\s*'([a-z-]+)'/g)) answered.set(code!, { status: KIND_STATUS[kind as keyof typeof KIND_STATUS], where });
    for (const [, code] of text.matchAll(/\['([a-z-]+)',\s*'[^']*'\]/g)) if (file.includes('identifier-claim')) answered.set(code!, { status: 409, where });
  }

  it('finds the codes in the code (the scan works)', () => {
    expect(answered.get('sim-not-found')?.status).toBe(404);
    expect(answered.get('imsi-in-use')?.status).toBe(409);
    expect(answered.get('signature-stale')?.status).toBe(401);
    expect(answered.size).toBeGreaterThan(80);
  });

  it('lists every problem the code answers, with the status it answers it with', () => {
    const wrong = [...answered].filter(([code, { status }]) => (PROBLEM_TYPES as Record<string, readonly [number, string]>)[code]?.[0] !== status);
    expect(wrong.map(([code, { status, where }]) => `${code} (${status}, ${where})`)).toEqual([]);
  });

  it('lists none the code never answers', () => {
    expect(Object.keys(PROBLEM_TYPES).filter((code) => !answered.has(code))).toEqual([]);
  });
});
