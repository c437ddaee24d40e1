import { build } from 'esbuild';
import { ALL_HANDLERS } from '../infra/cdk/handlers.ts';
import { handlerEsbuildOptions } from '../infra/cdk/bundling.ts';
const dir = '/work/tmp/prof-bundles';
const specs = [{ id: 'bare', entry: 'bench/bare-dynamodb-handler.ts' }, ...ALL_HANDLERS];
await build({ ...handlerEsbuildOptions(process.cwd()), entryPoints: specs.map((s) => ({ in: s.entry, out: `${s.id}/index` })), outExtension: { '.js': '.mjs' }, logLevel: 'warning', minify: process.env.MIN !== '0', outdir: process.env.OUT ?? dir });
console.log(specs.map((s) => `${s.id} ${s.entry}`).join('\n'));
