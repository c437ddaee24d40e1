import * as z from '../../domain/zod-mini.ts';
import { PackageRefusal, Psmo, PsmoResult } from '../../domain/euicc/package.ts';
import { Eid, Iccid, Imei, MnoId } from '../../domain/identifiers/index.ts';
import { Containment, Labels, OrderId, Profile, SimEvents } from '../../domain/sim/events.ts';

/**
 * The SIMs as the API answers them (the OpenAPI document's, and the views' return types). Not
 * bundled into a function: the views import only their types.
 */
const Lifecycle = z.enum(['inventory', 'active', 'suspended', 'terminated']);

/** A profile ordered from an MNO's SM-DP+: `requested`, `ordered` (its profile is `iccid`), or `failed` (with why). */
const ProfileOrder = z.strictObject({
  orderId: OrderId,
  mno: MnoId,
  status: z.enum(['requested', 'ordered', 'failed']),
  iccid: z.optional(Iccid),
  reason: z.optional(z.string()),
});

/** Why Switchboard suspended (or quarantined) the SIM, and who has asked to release it. */
const SimContainment = z.strictObject({
  by: z.literal('switchboard:guard'),
  response: z.enum(['quarantine', 'suspend']),
  ...Containment.shape,
  releaseRequestedBy: z.optional(z.string()),
});

export const Sim = z.strictObject({
  eid: Eid,
  state: Lifecycle,
  version: z.int(),
  profiles: z.array(Profile),
  /** The ICCID of the enabled profile: lifecycle changes go to its MNO. */
  enabledProfile: Iccid,
  imei: z.optional(Imei),
  /** A termination waiting for its second approval. */
  pendingTermination: z.optional(z.strictObject({ requestedBy: z.string(), reason: z.optional(z.string()) })),
  containment: z.optional(SimContainment),
  /** Active, but held at its MNO to the policy's management destinations (no SMS) until a person releases it. */
  quarantined: z.optional(z.literal(true)),
  /** What each MNO hosting a profile confirmed it holds (desired is `state`). */
  observed: z.record(z.string(), SimEvents.SimStateObserved.shape.state),
  labels: Labels,
  /** The latest profile orders (up to 20). */
  orders: z.array(ProfileOrder),
});

/** A SIM as the list shows it, from the read model. */
export const SimListItem = z.strictObject({
  eid: Eid,
  state: Lifecycle,
  /** The MNOs its profiles are on. */
  mnos: z.array(MnoId),
  labels: Labels,
  /** The MNO of its enabled profile. */
  enabledMno: z.string(),
  version: z.int(),
  /** When its last command was recorded. */
  updatedAt: z.string(),
});

export const SimPage = z.strictObject({
  items: z.array(SimListItem),
  nextCursor: z.optional(z.string()),
});

const SIM_EVENT_TYPES = Object.keys(SimEvents) as [keyof typeof SimEvents, ...(keyof typeof SimEvents)[]];

/** One event of the SIM's stream, with its commit's time, actor and correlation id; `data` as it was recorded. */
export const SimEventItem = z.strictObject({
  id: z.string(),
  version: z.int(),
  type: z.enum(SIM_EVENT_TYPES),
  time: z.iso.datetime(),
  actor: z.string(),
  correlationId: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const SimEventPage = z.strictObject({
  items: z.array(SimEventItem),
  nextCursor: z.optional(z.string()),
});

/** The SIM's hash chain checked from its first commit: `brokenAt` is the first commit that does not hold. */
export const ChainVerification = z.strictObject({
  valid: z.boolean(),
  commits: z.int(),
  head: z.strictObject({ version: z.int(), hash: z.string() }),
  brokenAt: z.optional(z.int()),
});

/** An eIM package just queued for the eUICC (follow it at its Location). */
export const QueuedEimPackage = z.strictObject({
  eid: Eid,
  counter: z.int(),
  transactionId: z.string(),
  status: z.literal('queued'),
  psmos: z.array(Psmo),
});

/** An eIM package: what it asked and, once the eUICC answered, what it did or why it refused. */
export const EimPackage = z.strictObject({
  counter: z.int(),
  transactionId: z.string(),
  psmos: z.array(Psmo),
  status: z.enum(['queued', 'executed', 'refused']),
  results: z.optional(z.array(PsmoResult)),
  refused: z.optional(PackageRefusal),
});

/** A profile order accepted: its id, the MNO, its status and the SIM's version after it. */
export const ProfileOrderAccepted = z.strictObject({
  orderId: OrderId,
  mno: MnoId,
  status: z.enum(['requested', 'ordered', 'failed']),
  version: z.int(),
});
