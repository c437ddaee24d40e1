import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { handlerEsbuildOptions } from '../../infra/cdk/bundling.ts';
import { ALL_HANDLERS } from '../../infra/cdk/handlers.ts';
const pick = (process.env.PICK ?? '').split(',').filter(Boolean);
const specs = [
  { id: 'bare', entry: 'bench/bare-dynamodb-handler.ts' },
  ...readdirSync('bench/_exp').filter((f) => f.endsWith('.ts') && f !== 'build.ts').map((f) => ({ id: 'x-' + f.replace('.ts', ''), entry: `bench/_exp/${f}` })),
  ...ALL_HANDLERS.filter((h) => pick.includes(h.id)),
];
await build({ ...handlerEsbuildOptions(process.cwd()), entryPoints: specs.map((s) => ({ in: s.entry, out: `${s.id}/index` })), outdir: process.env.OUT!, outExtension: { '.js': '.mjs' }, logLevel: 'warning' });
console.log(specs.map((s) => s.id).join(' '));
