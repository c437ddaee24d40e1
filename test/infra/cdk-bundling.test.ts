import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_HANDLERS } from '../../infra/cdk/handlers.ts';
import { DEFAULT_SETTINGS } from '../../infra/cdk/settings.ts';
import { regionStackName, switchboardApp } from '../../infra/cdk/switchboard-app.ts';

/**
 * The real bundling, as `npm run synth` does it (esbuild, locally, no Docker), for the primary
 * stack: every handler becomes one minified ESM file with the AWS SDK inside, which imports on
 * Node 24 (cdk-*.test.ts synthesize without bundling, for speed).
 */
let bundles: Map<string, string>;

beforeAll(() => {
  const { app, primary } = switchboardApp({ context: { 'aws:cdk:bundling-stacks': [regionStackName(DEFAULT_SETTINGS.primaryRegion)] } });
  const assembly = app.synth();
  bundles = new Map(
    ALL_HANDLERS.map((spec) => {
      // Each function is in a nested stack of the regional stack (infra/cdk/handler-stacks.ts), bundled with it.
      const fn = primary.functions[spec.id]!;
      const id = primary.getLogicalId(fn.node.defaultChild as CfnElement);
      const key: string = Template.fromStack(Stack.of(fn)).findResources('AWS::Lambda::Function')[id]!.Properties.Code.S3Key;
      return [spec.id, join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs')];
    }),
  );
}, 120_000);

describe('handler bundles', () => {
  it('are one minified ESM file per function, with the AWS SDK bundled', () => {
    for (const [id, file] of bundles) {
      expect(existsSync(file), id).toBe(true);
      const code = readFileSync(file, 'utf8');
      expect(code, id).not.toMatch(/from\s*["']@aws-sdk\//);
      // Minified: long lines (newlines left only inside strings and kept comments).
      expect(code.length / code.split('\n').length, `${id} is minified`).toBeGreaterThan(1000);
      expect(statSync(file).size, id).toBeLessThan(3 * 1024 * 1024);
    }
  });

  it('carry one DynamoDB client, not a second copy from a dependency’s own node_modules', () => {
    // The client's JSON protocol target prefix appears twice in one copy of @aws-sdk/client-dynamodb.
    for (const [id, file] of bundles) expect(readFileSync(file, 'utf8').split('DynamoDB_20120810').length - 1, id).toBeLessThanOrEqual(2);
  });

  it('import on Node 24 and export their handler', () => {
    for (const [id, file] of [...bundles].filter(([id]) => ['HttpGetHealth', 'StreamForwarder', 'StreamProjector', 'HttpGetV1Sims', 'TaskApplyToMno'].includes(id))) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(file)}); console.log(process.version, typeof m.handler);`], {
        env: { ...process.env, AWS_REGION: 'eu-west-1' },
        encoding: 'utf8',
      });
      expect(out.trim(), id).toMatch(/^v24\.\d+\.\d+ function$/);
    }
  });
});
