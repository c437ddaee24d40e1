import type * as z from './zod-mini.ts';
import { alertDecider } from './alerts/decider.ts';
import { AlertEvents } from './alerts/events.ts';
import { bulkDecider } from './bulk/decider.ts';
import { BulkEvents } from './bulk/events.ts';
import { cascadeDecider } from './cascade/decider.ts';
import { cascadeIndexDecider } from './cascade/index-decider.ts';
import { enterpriseDecider } from './enterprise/decider.ts';
import { identifierClaimDecider } from './identifier-claim/decider.ts';
import { mnoCatalogueDecider } from './mno/catalogue.ts';
import { mnoDecider } from './mno/decider.ts';
import { policyDecider } from './policy/decider.ts';
import { replicationConflictDecider, ReplicationEvents } from './replication/conflicts.ts';
import { simDecider } from './sim/decider.ts';
import { deadLettersDecider } from './subscription/dead-letters.ts';
import { subscriptionsDecider } from './subscription/decider.ts';
import { mergedSchemas, schemaVersionOf as currentVersion } from './events.ts';
import { CascadeEvents } from './cascade/events.ts';
import { CascadeIndexEvents } from './cascade/index-decider.ts';
import { EnterpriseEvents } from './enterprise/events.ts';
import { IdentifierClaimEvents } from './identifier-claim/decider.ts';
import { MnoCatalogueEvents } from './mno/catalogue.ts';
import { MnoEvents } from './mno/events.ts';
import { PolicyEvents } from './policy/events.ts';
import { SimEvents } from './sim/events.ts';

/**
 * Every domain event type and the schema of its data, by aggregate: the one list integrators'
 * bindings are generated from (`GET /v1/events/schemas`, docs/events/catalogue.json).
 */
export const EVENT_CATALOGUE = {
  Enterprise: EnterpriseEvents,
  Sim: SimEvents,
  IdentifierClaim: IdentifierClaimEvents,
  Mno: MnoEvents,
  MnoCatalogue: MnoCatalogueEvents,
  Policy: PolicyEvents,
  Cascade: CascadeEvents,
  CascadeIndex: CascadeIndexEvents,
  BulkOperation: BulkEvents,
  Alert: AlertEvents,
  ReplicationConflict: ReplicationEvents,
} as const satisfies Record<string, Record<string, z.core.$ZodType>>;

/**
 * Every type the event store may hold, as the deciders declare their streams': the catalogue's,
 * and the webhooks' own events (never delivered to webhooks). For the catalogue's versions and
 * for tests; a handler reads a stream with its own decider's schemas only.
 */
export const STORED_EVENTS = mergedSchemas(
  enterpriseDecider.events,
  simDecider.events,
  identifierClaimDecider.events,
  mnoDecider.events,
  mnoCatalogueDecider.events,
  policyDecider.events,
  cascadeDecider.events,
  cascadeIndexDecider.events,
  bulkDecider.events,
  alertDecider.events,
  replicationConflictDecider.events,
  subscriptionsDecider.events,
  deadLettersDecider.events,
);

/** The version new events of a type are written with, whichever stream they are in. */
export const schemaVersionOf = (type: string) => currentVersion(type, STORED_EVENTS);
