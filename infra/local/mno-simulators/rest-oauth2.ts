import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { FaultState } from './faults.ts';
import { json, matchPath, parseJson, type CmpApi, type CmpReply, type CmpRequest } from './http.ts';
import { basicAuth, randomSecret, sameSecret } from './credentials.ts';
import { Apn, Cap, Cidr, Country, E164Prefix, IpAddress, issuesOf, isIccid, isProfileId, Plmn, PortList, Protocol } from './policy-fields.ts';

/** A policy profile as the synchronous REST CMP takes it: camelCase JSON, every rule optional. */
export const RestPolicyProfile = z.strictObject({
  apnAllowList: z.array(Apn).optional(),
  ipAllowList: z.array(z.strictObject({ cidr: Cidr, ports: PortList, protocol: Protocol })).optional(),
  internetBreakout: z.boolean().optional(),
  smsMoAllowList: z.array(E164Prefix).optional(),
  smsMtAllowList: z.array(E164Prefix).optional(),
  roamingCountries: z.array(Country).optional(),
  roamingPlmns: z.array(Plmn).optional(),
  imeiLock: z.boolean().optional(),
  dataCapMb: Cap.optional(),
  smsCap: Cap.optional(),
  vpn: z.strictObject({ peerIp: IpAddress, subnets: z.array(Cidr), secretRef: z.string().min(1) }).nullable().optional(),
});
export type RestPolicyProfile = z.infer<typeof RestPolicyProfile>;

/** RESTRICTED: attached, held to the rules given with it (the SIM's own profile). */
const SimStatusBody = z.strictObject({ status: z.enum(['ACTIVE', 'SUSPENDED', 'DEACTIVATED', 'RESTRICTED']), restriction: z.lazy(() => RestPolicyProfile).optional() });

const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): CmpReply =>
  json(status, { type: `/problems/${code}`, title: code.replace(/-/g, ' '), status, detail, ...extra }, { 'content-type': 'application/problem+json', ...headers });

/** Drift: the network turns internet breakout back on, or (if it was on) grows an APN. */
const drifted = (p: RestPolicyProfile): RestPolicyProfile =>
  p.internetBreakout ? { ...p, apnAllowList: [...(p.apnAllowList ?? []), 'internet'] } : { ...p, internetBreakout: true };

/**
 * The synchronous REST style: OAuth2 client credentials (HTTP Basic at `/oauth2/token`, short-lived
 * opaque Bearer tokens), camelCase JSON, RFC 9457 problems, effects stored before the 200.
 */
export const restOauth2Api = (options: { faults: FaultState; tokenTtlSeconds: number }) => {
  const { faults, tokenTtlSeconds } = options;
  const credentials = { clientId: `cmp-${randomBytes(6).toString('hex')}`, clientSecret: randomSecret() };
  const tokens = new Map<string, number>();
  const profiles = new Map<string, { profile: RestPolicyProfile; revision: number; appliedAt: string }>();
  const sims = new Map<string, string>();
  /** What each RESTRICTED SIM is held to. */
  const restrictions = new Map<string, unknown>();

  const issueToken = (request: CmpRequest): CmpReply => {
    const client = basicAuth(request.headers.authorization);
    if (!client || !sameSecret(client.user, credentials.clientId) || !sameSecret(client.password, credentials.clientSecret))
      return json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="cmp"' });
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    const now = Date.now();
    for (const [token, expiresAt] of tokens) if (expiresAt <= now) tokens.delete(token);
    const token = randomSecret(32);
    tokens.set(token, now + tokenTtlSeconds * 1000);
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: Math.ceil(tokenTtlSeconds) }, { 'cache-control': 'no-store' });
  };

  const authorized = (request: CmpRequest) => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const expiresAt = token === undefined ? undefined : tokens.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  };

  const putProfile = (profileId: string, body: Buffer): CmpReply => {
    const parsed = RestPolicyProfile.safeParse(parseJson(body));
    if (!parsed.success) return problem(400, 'invalid-policy-profile', 'the policy profile is not valid', { errors: issuesOf(parsed.error) });
    if (faults.current.reject) return problem(422, 'policy-rejected', 'the network refused the policy profile');
    const revision = (profiles.get(profileId)?.revision ?? 0) + 1;
    const appliedAt = new Date().toISOString();
    profiles.set(profileId, { profile: faults.current.drift ? drifted(parsed.data) : parsed.data, revision, appliedAt });
    return json(200, { profileId, revision, appliedAt });
  };

  const putSimStatus = (iccid: string, body: Buffer): CmpReply => {
    const parsed = SimStatusBody.safeParse(parseJson(body));
    if (!parsed.success) return problem(400, 'invalid-sim-status', 'status must be ACTIVE, SUSPENDED, DEACTIVATED or RESTRICTED (with its restriction)', { errors: issuesOf(parsed.error) });
    const { status, restriction } = parsed.data;
    if (status === 'RESTRICTED' && !restriction) return problem(400, 'invalid-sim-status', 'RESTRICTED takes the restriction the SIM is held to');
    if (sims.get(iccid) === 'DEACTIVATED' && status !== 'DEACTIVATED') return problem(409, 'sim-deactivated', 'a deactivated SIM cannot change status');
    sims.set(iccid, status);
    if (restriction) restrictions.set(iccid, restriction);
    else restrictions.delete(iccid);
    return json(200, { iccid, status });
  };

  const api: CmpApi = {
    handle(request) {
      const { method, path } = request;
      if (path === '/oauth2/token') return method === 'POST' ? issueToken(request) : problem(405, 'method-not-allowed', `${method} ${path}`);
      if (!path.startsWith('/v1/')) return problem(404, 'not-found', `no route ${path}`);
      if (!authorized(request)) return problem(401, 'unauthorized', 'missing, unknown or expired access token', {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
      let p: Record<string, string> | undefined;
      if ((p = matchPath('/v1/policy-profiles/{profileId}', path))) {
        const { profileId } = p as { profileId: string };
        if (!isProfileId(profileId)) return problem(400, 'invalid-profile-id', 'profile ids are 1-128 of A-Z a-z 0-9 . _ : -');
        if (method === 'PUT') return putProfile(profileId, request.body);
        if (method !== 'GET') return problem(405, 'method-not-allowed', `${method} ${path}`);
        const stored = profiles.get(profileId);
        if (!stored) return problem(404, 'not-found', `no policy profile ${profileId}`);
        return json(200, { profileId, revision: stored.revision, appliedAt: stored.appliedAt, ...stored.profile });
      }
      if ((p = matchPath('/v1/sims/{iccid}/status', path)) && method === 'PUT') {
        if (!isIccid(p.iccid!)) return problem(400, 'invalid-iccid', 'an ICCID is 18 to 22 digits');
        return putSimStatus(p.iccid!, request.body);
      }
      if ((p = matchPath('/v1/sims/{iccid}', path)) && method === 'GET') {
        const status = sims.get(p.iccid!);
        return status ? json(200, { iccid: p.iccid, status }) : problem(404, 'not-found', `no SIM ${p.iccid}`);
      }
      return problem(404, 'not-found', `no route ${method} ${path}`);
    },
    transient: () => problem(503, 'service-unavailable', 'the platform is temporarily unavailable, try again'),
    held: { profiles, sims, restrictions } as CmpApi['held'],
    state: () => ({
      profiles: Object.fromEntries([...profiles].map(([id, { profile }]) => [id, profile])),
      sims: Object.fromEntries(sims),
      restrictions: Object.fromEntries(restrictions),
    }),
  };
  return { api, credentials };
};
