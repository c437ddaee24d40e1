import { READ_MODEL_ROWS, MNO_INBOUND_KEYS_READ, ACTIVATION_CODES_DELETE, ACTIVATION_CODES_READ, BULK_ITEMS_READ, SIGNAL_BATCHES, SIGNAL_USAGE_READ, DEAD_LETTER_PAYLOAD_READ, MNO_CREDENTIALS_READ, IDEMPOTENT_WRITES, READ_MODEL_LISTS, READS, WEBHOOK_SECRETS_CREATE, WEBHOOK_SECRETS_DELETE, WEBHOOK_SECRETS_READ, WRITES, type Access } from './access.ts';

/**
 * The route table: one entry per HTTP route, the single source for the local gateway, the CDK app
 * (API Gateway routes, authorizer scopes, one Lambda per route and its grants) and the handlers'
 * middleware. A caller needs any one of `scopes`; `tenant: true` routes act for the tenant named in
 * the token, which must be onboarded and not suspended. `access` is everything the route's
 * function touches: `idempotency` is what makes a POST take an Idempotency-Key (its middleware is
 * added from it), and a route's grants come from it alone.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Module under functions/http and the export that is the Lambda handler. */
  entry: string;
  handler: string;
  scopes: readonly string[];
  tenant: boolean;
  /** No authorizer: the route answers without a token. */
  public?: boolean;
  /** Why a public route may be called without a token (what cdk-nag's acknowledgement says). */
  publicBecause?: string;
  /** A body larger than the API's 64 KiB this route takes (the MNOs' signal batches). */
  maxBodyBytes?: number;
  access: Access;
}

export const ROUTES = [
  { method: 'GET', path: '/health', entry: 'health.ts', handler: 'handler', scopes: [], tenant: false, public: true, publicBecause: 'load balancers and Route 53 health checks call it without a token; it returns only ok/unavailable', access: { eventStore: 'probe', checksHealth: true } },
  { method: 'POST', path: '/v1/enterprises', entry: 'enterprises/onboard.ts', handler: 'handler', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/enterprises/{tenantId}/suspend', entry: 'enterprises/status.ts', handler: 'suspend', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/enterprises/{tenantId}/reinstate', entry: 'enterprises/status.ts', handler: 'reinstate', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims', entry: 'sims/register.ts', handler: 'handler', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'GET', path: '/v1/sims/{eid}', entry: 'sims/get.ts', handler: 'handler', scopes: ['sims:read'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/sims/{eid}/activate', entry: 'sims/lifecycle.ts', handler: 'activate', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims/{eid}/suspend', entry: 'sims/lifecycle.ts', handler: 'suspend', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims/{eid}/resume', entry: 'sims/lifecycle.ts', handler: 'resume', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims/{eid}/terminate', entry: 'sims/lifecycle.ts', handler: 'terminate', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims/{eid}/terminate/approve', entry: 'sims/lifecycle.ts', handler: 'approveTermination', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims/{eid}/terminate/cancel', entry: 'sims/lifecycle.ts', handler: 'cancelTermination', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'PUT', path: '/v1/sims/{eid}/labels', entry: 'sims/labels.ts', handler: 'handler', scopes: ['sims:write'], tenant: true, access: WRITES },
  { method: 'GET', path: '/v1/sims/{eid}/events', entry: 'sims/events.ts', handler: 'handler', scopes: ['audit:read', 'sims:read'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/sims/{eid}/profiles/{iccid}/enable', entry: 'sims/profiles.ts', handler: 'enable', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/sims/{eid}/profiles', entry: 'sims/profiles.ts', handler: 'order', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'GET', path: '/v1/sims/{eid}/eim-packages/{counter}', entry: 'sims/profiles.ts', handler: 'eimPackage', scopes: ['sims:read'], tenant: true, access: READS },
  // The devices' side of SGP.32 (ESipa): no token; the eUICC proves itself with what it signs.
  { method: 'POST', path: '/v1/esipa/{eid}/packages/next', entry: 'esipa/packages.ts', handler: 'next', scopes: [], tenant: false, public: true, publicBecause: 'devices call it without a token: each request is signed by the eUICC, whose certificate a trusted EUM issued for that EID (checked before anything is read)', access: { ...WRITES, signsEimPackages: true, trustsEums: true, secrets: [ACTIVATION_CODES_READ] } },
  { method: 'POST', path: '/v1/esipa/{eid}/results', entry: 'esipa/packages.ts', handler: 'results', scopes: [], tenant: false, public: true, publicBecause: 'devices call it without a token: each result is signed by the eUICC, whose certificate a trusted EUM issued for that EID (checked before anything is recorded)', access: { ...WRITES, trustsEums: true } },
  // The SM-DP+'s side of SGP.22 ES2+: no token; the MNO's SM-DP+ signs what it sends with its ES2+ key.
  { method: 'POST', path: '/v1/es2plus/{mnoId}/handleDownloadProgressInfo', entry: 'es2plus/notifications.ts', handler: 'handler', scopes: [], tenant: false, public: true, publicBecause: 'MNOs’ SM-DP+s call it without a token: each notification is signed with that MNO’s ES2+ key (checked before anything is read; mutual TLS in front of it in AWS)', access: { ...WRITES, secrets: [MNO_INBOUND_KEYS_READ, ACTIVATION_CODES_DELETE] } },
  // Network signals: MNOs push batches, signed with their signal key; the signal consumer counts and checks them.
  { method: 'POST', path: '/v1/signals/{mnoId}', entry: 'signals/push.ts', handler: 'handler', scopes: [], tenant: false, public: true, publicBecause: 'MNOs push network records without a token: each batch is signed with that MNO’s signal key (HMAC, timestamp, once per batch id; checked before anything is read or queued)', maxBodyBytes: 512 * 1024, access: { eventStore: 'read', secrets: [MNO_INBOUND_KEYS_READ], tables: [SIGNAL_BATCHES], queuesSignals: true } },
  { method: 'GET', path: '/v1/sims/{eid}/usage', entry: 'sims/usage.ts', handler: 'handler', scopes: ['sims:read'], tenant: true, access: { ...READS, tables: [SIGNAL_USAGE_READ] } },
  { method: 'GET', path: '/v1/alerts', entry: 'alerts/read.ts', handler: 'list', scopes: ['alerts:read'], tenant: true, access: { ...READS, tables: [READ_MODEL_LISTS] } },
  { method: 'GET', path: '/v1/alerts/{alertId}', entry: 'alerts/read.ts', handler: 'get', scopes: ['alerts:read'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/alerts/{alertId}/acknowledge', entry: 'alerts/write.ts', handler: 'acknowledge', scopes: ['alerts:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/alerts/{alertId}/resolve', entry: 'alerts/write.ts', handler: 'resolve', scopes: ['alerts:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'GET', path: '/v1/sims/{eid}/audit', entry: 'sims/audit.ts', handler: 'handler', scopes: ['audit:read'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/bulk-operations', entry: 'bulk-operations/write.ts', handler: 'start', scopes: ['sims:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'GET', path: '/v1/bulk-operations', entry: 'bulk-operations/read.ts', handler: 'list', scopes: ['sims:read'], tenant: true, access: { ...READS, tables: [READ_MODEL_LISTS] } },
  { method: 'GET', path: '/v1/bulk-operations/{bulkId}', entry: 'bulk-operations/read.ts', handler: 'get', scopes: ['sims:read'], tenant: true, access: { ...READS, tables: [BULK_ITEMS_READ] } },
  { method: 'POST', path: '/v1/bulk-operations/{bulkId}/cancel', entry: 'bulk-operations/write.ts', handler: 'cancel', scopes: ['sims:write'], tenant: true, access: { ...IDEMPOTENT_WRITES, tables: [BULK_ITEMS_READ] } },
  { method: 'POST', path: '/v1/mnos', entry: 'mnos/register.ts', handler: 'handler', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'GET', path: '/v1/mnos', entry: 'mnos/list.ts', handler: 'list', scopes: ['mnos:read', 'platform:admin'], tenant: false, access: READS },
  { method: 'GET', path: '/v1/mnos/{mnoId}', entry: 'mnos/list.ts', handler: 'get', scopes: ['mnos:read', 'platform:admin'], tenant: false, access: READS },
  { method: 'POST', path: '/v1/mnos/{mnoId}/verification', entry: 'mnos/status.ts', handler: 'verification', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/mnos/{mnoId}/outage', entry: 'mnos/status.ts', handler: 'declareOutage', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'POST', path: '/v1/mnos/{mnoId}/outage/clear', entry: 'mnos/status.ts', handler: 'clearOutage', scopes: ['platform:admin'], tenant: false, access: IDEMPOTENT_WRITES },
  { method: 'PUT', path: '/v1/enterprise/mnos', entry: 'enterprises/mnos.ts', handler: 'handler', scopes: ['policies:write'], tenant: true, access: WRITES },
  { method: 'PUT', path: '/v1/enterprise/settings', entry: 'enterprises/settings.ts', handler: 'put', scopes: ['policies:write'], tenant: true, access: WRITES },
  { method: 'GET', path: '/v1/enterprise/settings', entry: 'enterprises/settings.ts', handler: 'get', scopes: ['policies:read', 'policies:write'], tenant: true, access: READS },
  { method: 'GET', path: '/v1/sims', entry: 'sims/list.ts', handler: 'handler', scopes: ['sims:read'], tenant: true, access: { ...READS, tables: [READ_MODEL_LISTS, READ_MODEL_ROWS] } },
  { method: 'GET', path: '/v1/cascades', entry: 'cascades/list.ts', handler: 'handler', scopes: ['policies:read'], tenant: true, access: { ...READS, tables: [READ_MODEL_LISTS] } },
  { method: 'GET', path: '/v1/cascades/{cascadeId}', entry: 'cascades/read.ts', handler: 'get', scopes: ['policies:read'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/cascades/{cascadeId}/redrive', entry: 'cascades/redrive.ts', handler: 'handler', scopes: ['policies:write'], tenant: true, access: IDEMPOTENT_WRITES },
  { method: 'PUT', path: '/v1/policies/{policyId}', entry: 'policies/write.ts', handler: 'setDraft', scopes: ['policies:write'], tenant: true, access: WRITES },
  { method: 'POST', path: '/v1/policies/{policyId}/publish', entry: 'policies/write.ts', handler: 'publish', scopes: ['policies:write'], tenant: true, access: { ...IDEMPOTENT_WRITES, startsCascades: true } },
  { method: 'GET', path: '/v1/policies/{policyId}', entry: 'policies/read.ts', handler: 'get', scopes: ['policies:read'], tenant: true, access: READS },
  { method: 'GET', path: '/v1/policies/{policyId}/versions/{version}', entry: 'policies/read.ts', handler: 'version', scopes: ['policies:read'], tenant: true, access: READS },
  { method: 'GET', path: '/v1/policies/{policyId}/versions/{version}/effective', entry: 'policies/read.ts', handler: 'effective', scopes: ['policies:read'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/subscriptions', entry: 'subscriptions/write.ts', handler: 'create', scopes: ['integrations:write'], tenant: true, access: { ...WRITES, secrets: [WEBHOOK_SECRETS_CREATE] } },
  { method: 'GET', path: '/v1/subscriptions', entry: 'subscriptions/read.ts', handler: 'list', scopes: ['integrations:read', 'integrations:write'], tenant: true, access: READS },
  { method: 'DELETE', path: '/v1/subscriptions/{subscriptionId}', entry: 'subscriptions/write.ts', handler: 'remove', scopes: ['integrations:write'], tenant: true, access: { ...WRITES, secrets: [WEBHOOK_SECRETS_DELETE] } },
  { method: 'GET', path: '/v1/subscriptions/{subscriptionId}/dead-letters', entry: 'subscriptions/dead-letters.ts', handler: 'list', scopes: ['integrations:read', 'integrations:write'], tenant: true, access: READS },
  { method: 'POST', path: '/v1/subscriptions/{subscriptionId}/dead-letters/{eventId}/redeliver', entry: 'subscriptions/dead-letters.ts', handler: 'redeliver', scopes: ['integrations:write'], tenant: true, access: { ...IDEMPOTENT_WRITES, tables: [DEAD_LETTER_PAYLOAD_READ], secrets: [WEBHOOK_SECRETS_READ] } },
  { method: 'GET', path: '/v1/openapi.json', entry: 'openapi/serve.ts', handler: 'handler', scopes: [], tenant: false, public: true, publicBecause: 'the API’s contract, the same for every caller: it holds no data and discloses nothing a client generator needs a token for', access: {} },
  { method: 'GET', path: '/v1/events/schemas', entry: 'events/schemas.ts', handler: 'handler', scopes: [], tenant: false, access: {} },
] as const satisfies readonly Route[];

/** The key of each route of the table (`GET /v1/sims/{eid}`): each method with its own path. */
type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string } ? `${M} ${P}` : never;

export type RouteKey = KeyOf<(typeof ROUTES)[number]>;

/** The routes that take an Idempotency-Key (their access keeps idempotency records): made with `idempotentHandler`, the others with `httpHandler`. */
export type IdempotentRouteKey = KeyOf<Extract<(typeof ROUTES)[number], { access: { idempotency: true } }>>;

export const routeKey = (r: Pick<Route, 'method' | 'path'>) => `${r.method} ${r.path}`;

export const routeFor = (key: RouteKey): Route => ROUTES.find((r) => routeKey(r) === key)!;
