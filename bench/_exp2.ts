import { build } from 'esbuild';
import { handlerEsbuildOptions } from '../infra/cdk/bundling.ts';
const [entry, out] = process.argv.slice(2);
await build({ ...handlerEsbuildOptions(process.cwd()), minify: false, entryPoints: [entry!], outfile: out!, logLevel: 'warning' });
