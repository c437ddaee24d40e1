import * as z from '../zod-mini.ts';
import { MnoId } from '../identifiers/index.ts';
import { lazySchemas } from '../events.ts';

export const MNO_API_STYLES = ['rest-oauth2', 'async-jobs', 'legacy-ratelimited'] as const;
export const MnoApiStyle = z.enum(MNO_API_STYLES);
export type MnoApiStyle = z.infer<typeof MnoApiStyle>;

/** The security checks an MNO must pass before it gets traffic; `sgp32` is recorded, not required. */
export const REQUIRED_CHECKS = ['smsFirewall', 'dataFirewall', 'apnIsolation', 'cmpTls'] as const;
export const SECURITY_CHECKS = [...REQUIRED_CHECKS, 'sgp32'] as const;
export type SecurityCheck = (typeof SECURITY_CHECKS)[number];

export const Plmn = z.string().check(z.regex(/^\d{3}-\d{2,3}$/, 'a PLMN id is MCC-MNC, e.g. 262-01'));
export const Country = z.string().check(z.regex(/^[A-Z]{2}$/, 'a country is an ISO 3166 alpha-2 code, e.g. DE'));

export const MnoRegistration = z.strictObject({
  id: MnoId,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  plmns: z.array(Plmn).check(z.minLength(1), z.maxLength(50)),
  countries: z.array(Country).check(z.minLength(1), z.maxLength(250)),
  api: z.strictObject({
    style: MnoApiStyle,
    endpoint: z.url({ protocol: /^https?$/ }),
    /** Where the CMP credentials are kept (a secret store reference), never the credentials. */
    credentialsRef: z.string().check(z.regex(/^secret:\/\/[\w./-]{1,200}$/, 'a reference like secret://mno/<id>, never the credentials')),
    /** The MNO's SM-DP+ (GSMA SGP.22 ES2+), where profiles are ordered; its key (`es2plusKey`) is in the same credentials. None: no profile can be ordered from it. */
    smdpEndpoint: z.optional(z.url({ protocol: /^https?$/ })),
    /** The calls a second the MNO allows Switchboard on its CMP and SM-DP+; Switchboard keeps under it (per region). None: no limit of its own. */
    rateLimitPerSecond: z.optional(z.int().check(z.gte(1), z.lte(100_000))),
    /**
     * How the MNO delivers network records: `push` (it posts signed batches to /v1/signals/{mnoId}),
     * `pull` (Switchboard polls its CMP, modelled on Cisco IoT Control Center's REST API), `files`
     * (CDR files dropped in the signals bucket). None: it delivers none.
     */
    signals: z.optional(z.enum(['push', 'pull', 'files'])),
  }),
  /** The policy rules this MNO's CMP can enforce (domain/policy rule ids). */
  capabilities: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(50)),
});
export type MnoRegistration = z.infer<typeof MnoRegistration>;

/** What reaching an MNO's CMP takes (its id, API and what it can enforce): what a cascade's steps carry from planning, without its PLMNs and countries. */
export const MnoAccess = z.pick(MnoRegistration, { id: true, api: true, capabilities: true });
export type MnoAccess = z.infer<typeof MnoAccess>;

const CheckResult = z.strictObject({ passed: z.boolean(), note: z.optional(z.string().check(z.maxLength(500))) });

export const MnoEvents = lazySchemas({
  MnoRegistered: () => MnoRegistration,
  MnoVerified: () => z.object({ checks: z.record(z.string(), CheckResult) }),
  MnoQuarantined: () => z.object({ checks: z.record(z.string(), CheckResult), failed: z.array(z.string()) }),
  /** The CMP moved (endpoint) or its credentials were rotated (a new reference). */
  MnoApiChanged: () => z.object({ api: MnoRegistration.shape.api }),
  /** `detectedBy`: the health probe saw its CMP fail for the configured time (absent: an operator declared it). */
  MnoOutageDeclared: () => z.object({ reason: z.string().check(z.maxLength(500)), detectedBy: z.optional(z.literal('health-probe')) }),
  /** The health probe's first failure in a row: when, and what the CMP did (no credentials, no payload). */
  MnoProbeFailing: () => z.object({ since: z.iso.datetime(), detail: z.string().check(z.maxLength(300)) }),
  /** The health probe is answered again. */
  MnoProbeRecovered: () => z.object({ at: z.iso.datetime() }),
  MnoOutageCleared: () => z.object({ reason: z.optional(z.string().check(z.maxLength(500))) }),
});

type Defs = typeof MnoEvents;
export type MnoEvent = { [K in keyof Defs]: { type: K; data: z.infer<Defs[K]> } }[keyof Defs];
export type CheckResults = Record<string, z.infer<typeof CheckResult>>;
export const VerificationResults = z.strictObject(
  Object.fromEntries(SECURITY_CHECKS.map((c) => [c, CheckResult])) as Record<SecurityCheck, typeof CheckResult>,
);

/** Every check passed: what the simulated MNOs and test fixtures record. */
export const allChecksPassed = (note?: string) =>
  Object.fromEntries(SECURITY_CHECKS.map((c) => [c, note === undefined ? { passed: true } : { passed: true, note }])) as Record<SecurityCheck, { passed: boolean; note?: string }>;
