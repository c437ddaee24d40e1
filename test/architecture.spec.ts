import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROUTES, type Route } from '../manifest/routes.ts';

/**
 * The dependency rule of the layers (docs/architecture.md), checked on every import of every
 * module: an inner layer never reaches an outer one, and the domain reaches nothing at all.
 */
const ROOT = fileURLToPath(new URL('../', import.meta.url));

const LAYERS = {
  domain: { may: ['domain'], packages: ['zod'] },
  manifest: { may: ['manifest'], packages: [] },
  application: { may: ['domain', 'manifest', 'application'], packages: ['zod', 'node:crypto'] },
  adapters: { may: ['domain', 'manifest', 'application', 'adapters'], packages: '*' },
  // docs/: the OpenAPI document GET /v1/openapi.json serves, as written from the code (data, no code).
  functions: { may: ['domain', 'manifest', 'application', 'adapters', 'functions', 'docs'], packages: '*' },
} as const;

type Layer = keyof typeof LAYERS;

const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

const importsOf = (file: string) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);

const layerOf = (path: string) => path.split('/')[0] as string;

describe('the dependency rule', () => {
  for (const layer of Object.keys(LAYERS) as Layer[]) {
    it(`${layer}/ imports only ${LAYERS[layer].may.join(', ')}${LAYERS[layer].packages === '*' ? ' and packages' : ` and ${LAYERS[layer].packages.join(', ')}`}`, () => {
      const rule = LAYERS[layer];
      const broken: string[] = [];
      for (const file of sources(layer))
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.')) {
            const target = layerOf(relative(ROOT, resolve(ROOT, file, '..', spec)));
            if (!(rule.may as readonly string[]).includes(target)) broken.push(`${file} → ${spec}`);
          } else if (rule.packages !== '*' && !(rule.packages as readonly string[]).includes(spec) && !spec.startsWith('zod/')) broken.push(`${file} → ${spec}`);
        }
      expect(broken).toEqual([]);
    });
  }

  it('functions/ holds only what a Lambda runtime invokes, and what every entry point shares to run (functions/lambda, the HTTP plumbing)', () => {
    const modules = sources('functions').filter((f) => !f.startsWith('functions/lambda/') && !f.startsWith('functions/http/'));
    const handlers = modules.filter((f) => /export const (\{ handler \}|handler)\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(modules.filter((f) => !handlers.includes(f))).toEqual([]);
  });
});

describe('what every bundle carries', () => {
  /** The code bundled into the Lambda functions. */
  const BUNDLED = ['domain', 'manifest', 'application', 'adapters', 'functions'];

  it('an HTTP handler parses with schemas the OpenAPI document reads too: it defines none of its own (they live in its area’s requests.ts, path-params.ts and the shared parameter modules)', () => {
    const SCHEMA_MODULES = /\/(requests|path-params|reason|integers|cursor)\.ts$/;
    const defining = sources('functions/http').filter(
      (f) => !f.startsWith('functions/http/openapi/') && !SCHEMA_MODULES.test(f) && /\bz\.(strictObject|object|looseObject|union|discriminatedUnion|array|string|enum|pipe|_default|optional)\(/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(defining).toEqual([]);
  });

  it('the answers’ schemas (application/views/*.schema.ts) are types to the code that runs: only the OpenAPI document’s builder imports their values', () => {
    const bundled = BUNDLED.flatMap((dir) => sources(dir)).filter((f) => !f.startsWith('functions/http/openapi/') && !f.endsWith('.schema.ts'));
    const values = bundled.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:^|\n)\s*import\s+(?!type\b)[^'"]*from\s*['"]([^'"]+\.schema\.ts)['"]/g)].map((m) => `${file} → ${m[1]}`),
    );
    expect(values).toEqual([]);
  });

  it('zod is imported as a namespace (`import * as z`): its named `z` export cannot be tree-shaken and bundles all of zod, locales and all (443 KiB against 83 KiB)', () => {
    const named = BUNDLED.flatMap((dir) =>
      sources(dir).filter((file) => /^import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*['"](?:zod|zod\/[^'"]+|[^'"]*\/zod-mini\.ts)['"]/m.test(readFileSync(join(ROOT, file), 'utf8'))),
    );
    expect(named).toEqual([]);
  });

  it('zod is zod/mini, never classic `zod`: every bundle carries it and every cold start builds its schemas (measured: a typical schema set, minified, is 97 KiB and imports and builds in 22–36 ms with classic zod, 31 KiB and 13 ms with zod/mini; zod was 95 KiB of a median HTTP bundle’s 411)', () => {
    const classic = BUNDLED.flatMap((dir) => sources(dir).filter((file) => importsOf(file).includes('zod')));
    expect(classic).toEqual([]);
  });

  it('zod/mini is imported through domain/zod-mini.ts, which gives it English issue messages (zod/mini loads no locale: every message would be “Invalid input”)', () => {
    const direct = BUNDLED.flatMap((dir) => sources(dir).filter((file) => importsOf(file).includes('zod/mini')));
    expect(direct.sort()).toEqual(['domain/zod-mini.ts']);
    expect(direct.filter((file) => !importsOf(file).includes('zod/locales'))).toEqual([]);
  });

  it('only the entry points of routes that take an Idempotency-Key reach Powertools idempotency (about 52 KiB and 4.5 ms of module init the others are spared)', () => {
    const reached = (entry: string) => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const spec of importsOf(file)) if (spec.startsWith('.')) visit(relative(ROOT, resolve(ROOT, file, '..', spec)));
      };
      visit(entry);
      return seen;
    };
    const entries = new Map<string, boolean>();
    for (const r of ROUTES as readonly Route[]) entries.set(r.entry, (entries.get(r.entry) ?? false) || Boolean(r.access.idempotency));
    const wrong = [...entries].filter(([entry, idempotent]) => reached(`functions/http/${entry}`).has('functions/http/middleware/idempotency.ts') !== idempotent);
    expect(wrong).toEqual([]);
    expect(sources('functions').filter((f) => importsOf(f).some((spec) => spec.startsWith('@aws-lambda-powertools/idempotency')))).toEqual(['functions/http/middleware/idempotency.ts']);
  });
});

describe('what the test tiers isolate', () => {
  it('a local runtime started by a test has every table of its own (no file shares another’s table by its default name)', () => {
    const support = readFileSync(join(ROOT, 'test/support/local-api.ts'), 'utf8');
    const tables = readFileSync(join(ROOT, 'manifest/tables.ts'), 'utf8');
    const variables = [...tables.matchAll(/envVar: '(\w+)'/g)].map((m) => m[1]!);
    expect(variables.filter((v) => !support.includes(`${v}:`))).toEqual([]);
  });
});
