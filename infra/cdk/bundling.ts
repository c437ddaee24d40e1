import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Packages every bundle takes from the project's node_modules, never from a copy nested in a dependency. */
const DEDUPLICATED = ['@aws-sdk/client-dynamodb', '@aws-sdk/util-dynamodb'] as const;

/**
 * How every handler is bundled, in one place: the NodejsFunction `bundling` props
 * (infra/cdk/handler-function.ts) and, derived from them, the esbuild options `npm run bench`
 * bundles with (bench/bundles.ts), so the bench measures what CDK ships.
 */
export const HANDLER_BUNDLING = {
  // esbuild from node_modules, on this machine (no Docker).
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  // For NodejsFunction this is Docker's `--platform` (unused without Docker); CDK always passes
  // esbuild `--platform=node` itself.
  platform: 'node',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  // Bundle the AWS SDK too (the runtime's copy is not the version we test with).
  externalModules: [] as string[],
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  // @aws-lambda-powertools/idempotency 2.35.0 ships a node_modules of its own inside lib/esm (its
  // DynamoDB client and every @smithy package under it), which its persistence layer resolves
  // first: without these aliases every HTTP handler carries two DynamoDB clients (measured: 1329
  // KiB → 1000 KiB for a lifecycle route, `npm run bench -- bundles`). Paths are relative to the
  // project root, where CDK runs esbuild.
  // The SDK's default credential chain replaced by the environment's credentials, all Lambda gives (infra/cdk/lambda-credentials.ts).
  esbuildArgs: { '--alias': [...DEDUPLICATED.map((name) => `${name}=./node_modules/${name}`), '@aws-sdk/credential-provider-node=./infra/cdk/lambda-credentials.ts'] },
} satisfies BundlingOptions;

/** The HANDLER_BUNDLING keys handlerEsbuildOptions translates; any other key must be added there too. */
const TRANSLATED = new Set(['forceDockerBundling', 'format', 'platform', 'target', 'minify', 'mainFields', 'externalModules', 'banner', 'esbuildArgs']);

/**
 * esbuild's JS API options for one handler, as NodejsFunction's local bundling runs esbuild's CLI
 * (aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js): `--bundle <entry> --target --platform=node
 * --format --outfile=<dir>/index.mjs --minify [--external:…] --banner:js --main-fields`, from the
 * project root. The caller adds the entry point and the output file.
 */
export const handlerEsbuildOptions = (projectRoot: string): BuildOptions => {
  const untranslated = Object.keys(HANDLER_BUNDLING).filter((key) => !TRANSLATED.has(key));
  if (untranslated.length > 0) throw new Error(`handlerEsbuildOptions: HANDLER_BUNDLING.${untranslated.join(', ')} not translated to esbuild options`);
  const b = HANDLER_BUNDLING;
  return {
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    format: b.format === OutputFormat.ESM ? 'esm' : 'cjs',
    target: b.target,
    minify: b.minify,
    mainFields: [...b.mainFields],
    external: [...b.externalModules],
    banner: { js: b.banner },
    alias: Object.fromEntries(b.esbuildArgs['--alias'].map((a) => a.split('=') as [string, string])),
  };
};
