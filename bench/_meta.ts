import { build } from 'esbuild';
import { handlerEsbuildOptions } from '../infra/cdk/bundling.ts';
import { ALL_HANDLERS } from '../infra/cdk/handlers.ts';
const id = process.argv[2]!;
const entry = id === 'bare' ? 'bench/bare-dynamodb-handler.ts' : ALL_HANDLERS.find((h) => h.id === id)!.entry;
const r = await build({ ...handlerEsbuildOptions(process.cwd()), entryPoints: [entry], outfile: '/work/tmp/meta-out.mjs', metafile: true, logLevel: 'warning' });
const out = Object.values(r.metafile.outputs)[0]!;
const byPkg = new Map<string, number>();
for (const [path, { bytesInOutput }] of Object.entries(out.inputs)) {
  const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const key = m ? m[1]! : path.split('/').slice(0, 2).join('/');
  byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
}
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1024).toFixed(1).padStart(7), k);
console.log('total', (out.bytes / 1024).toFixed(1));
