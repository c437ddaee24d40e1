import { parseArgs } from 'node:util';
import { localIssuer } from './issuer.ts';
import { dataDirFromEnv } from './runtime.ts';

/**
 * `npm run -s token -- [--tenant <id>] --scope "<scopes>" [--sub <user>] [--ttl <seconds>]`
 * prints only a JWT from the development issuer in SWITCHBOARD_DATA_DIR, which the running local
 * gateway accepts. Leave out --tenant for platform tokens (scope platform:admin).
 */
const usage = 'usage: npm run -s token -- [--tenant <id>] --scope "<scopes>" [--sub <user>] [--ttl <seconds>]';
try {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      scope: { type: 'string' },
      sub: { type: 'string', default: 'developer' },
      ttl: { type: 'string', default: '3600' },
    },
    strict: true,
  });
  const ttl = Number(values.ttl);
  if (!values.scope || !Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new Error('--scope is required and --ttl is 1–86400 seconds');
  if (values.tenant !== undefined && !/^[a-z0-9-]{3,40}$/.test(values.tenant)) throw new Error('--tenant is 3–40 of a–z, 0–9 and -');
  if (values.tenant !== undefined && /(^|[\s,])platform:/.test(values.scope)) throw new Error('platform scopes go on a token without --tenant: the API does not honour them on a tenant token');
  const issuer = await localIssuer(dataDirFromEnv());
  const token = await issuer.sign({ subject: values.sub, tenant: values.tenant, scopes: values.scope.split(/[\s,]+/).filter(Boolean), ttlSeconds: ttl });
  process.stdout.write(token + '\n');
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
