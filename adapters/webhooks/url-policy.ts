import type { UrlPolicy } from '../../domain/subscription/url.ts';
import type { Environment } from '../../manifest/environment.ts';

/** https only, unless SWITCHBOARD_ALLOW_HTTP_WEBHOOKS=loopback (the local runtime) allows http to loopback. */
export const urlPolicyFor = (env: Environment): UrlPolicy => ({ allowLoopbackHttp: env.SWITCHBOARD_ALLOW_HTTP_WEBHOOKS === 'loopback' });
