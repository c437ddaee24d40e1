import { build } from 'esbuild';
import { handlerEsbuildOptions } from '../infra/cdk/bundling.ts';
const r = await build({ ...handlerEsbuildOptions(process.cwd()), entryPoints: [process.argv[2]!], outfile: '/work/tmp/meta-out.mjs', metafile: true, logLevel: 'warning' });
const out = Object.values(r.metafile.outputs)[0]!;
for (const [path, { bytesInOutput }] of Object.entries(out.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) if (!path.includes('node_modules') || process.env.ALL) console.log((bytesInOutput / 1024).toFixed(1).padStart(7), path);
