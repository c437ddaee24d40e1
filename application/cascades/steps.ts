import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { desiredSimState, policyDrift, simStateDrift, simSuperseded } from '../../domain/cascade/process.ts';
import type { LoadedStream, StreamHead } from '../../domain/event-store.ts';
import { targetDecider, type Target, type TargetCommand } from '../../domain/cascade/target.ts';
import type { MnoAccess } from '../../domain/mno/events.ts';
import { compilePolicy, quarantineOf } from '../../domain/policy/compile.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import type { PolicyRule } from '../../domain/policy/rules.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { COMMAND_ATTEMPTS, executeCommand, type Known } from '../command.ts';
import { loadState, stateOf } from '../load-state.ts';
import { loadMno } from '../mnos.ts';
import { keepBounded } from '../bounded.ts';
import { MnoPermanentError, type MnoGateway, type SimStateAtMno, type Submission } from '../ports/mno-gateway.ts';
import { cascadeStream, cascadeSubjectStream, cascadeTargetStream, enterpriseStream, policyStream, simStream } from '../stream-ids.ts';
import { newerVersion } from './newer-version.ts';
import type { CascadePorts } from './ports.ts';
import type { CarriedTarget, CascadeInput, TargetWork } from './work.ts';

export const stepContext = (ports: CascadePorts, input: CascadeInput) => ({ actor: 'switchboard:cascade', correlationId: input.cascadeId, region: ports.region });

/** The cascade as its own stream has it (subject, round and its targets; each target's progress is on its stream). */
export const readCascade = async (ports: CascadePorts, input: CascadeInput): Promise<{ cascade: Extract<CascadeState, { cascadeId: string }>; head: StreamHead }> => {
  const { state, head } = await loadState(ports.store, cascadeDecider, cascadeStream(input.tenant, input.cascadeId));
  if (state.status === 'none') throw new MnoPermanentError(`cascade ${input.cascadeId} does not exist`);
  return { cascade: state, head };
};
export const loadCascade = async (ports: CascadePorts, input: CascadeInput) => (await readCascade(ports, input)).cascade;

/** Whether the cascade's stream, and its subject's, moved past where planning read them (both, without heads carried: unknown). */
export const movedSincePlanning = async (ports: CascadePorts, work: TargetWork): Promise<{ cascade: boolean; subject: boolean }> => {
  if (!work.heads || !work.subject) return { cascade: true, subject: true };
  const [cascade, subject] = await ports.store.movedPast([
    { streamId: cascadeStream(work.tenant, work.cascadeId), version: work.heads.cascade },
    { streamId: cascadeSubjectStream(work.tenant, work.subject), version: work.heads.subject },
  ]);
  return { cascade: cascade!, subject: subject! };
};

/** Whether the execution's round and attempt are the cascade's current ones (a running cascade's): only then may its steps change anything. */
export const current = (cascade: CascadeState, input: CascadeInput) =>
  cascade.status === 'running' && (input.round ?? cascade.round) === cascade.round && (input.attempt ?? 0) === cascade.attempt;

/** The target's stream: its round's (work planned before rounds were passed has none: the current round). */
const targetStream = async (ports: CascadePorts, work: TargetWork) =>
  cascadeTargetStream(work.tenant, work.cascadeId, work.round ?? (await loadCascade(ports, work)).round, work.mno);

/** The target's stream as a step knows it: its head and state. */
export type TargetView = Known<Target>;

/** A target carried in the workflow's data (a step's output, the Map's results) as its head and state. */
export const viewOfCarried = (mno: string, { version, hash, ...state }: CarriedTarget): TargetView => ({ head: { version, hash }, state: { ...state, mno } });

/** The target as the step before left it, when the work carries it. */
const carriedView = (work: TargetWork): TargetView | undefined => (work.target ? viewOfCarried(work.mno, work.target) : undefined);

/** The view a step hands on to the next (its output's `target`). */
export const carry = ({ head, state }: TargetView): CarriedTarget => {
  const { mno: _, ...rest } = state;
  return { version: head.version, hash: head.hash, ...(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<CarriedTarget, 'version' | 'hash'>) };
};

/**
 * Appends a step to the target's own stream (one MNO, one round): only that MNO's steps write there.
 * Decided on `known` (what the step holds) when given, appended after its head; when the stream has
 * moved on, decided again on it as it is now, or, `strict`, refused (PreconditionFailed) for a step
 * whose earlier choices rested on what it held.
 */
export const recordStep = async (ports: CascadePorts, work: TargetWork, command: TargetCommand, known?: TargetView, strict = false) =>
  executeCommand(ports.store, targetDecider, await targetStream(ports, work), command, { ...stepContext(ports, work), expectedVersion: strict && known ? known.head.version : undefined }, COMMAND_ATTEMPTS, known);

/** The target as a stream just read has it. */
export const viewOf = (stream: LoadedStream): TargetView => ({ head: stream.head, state: stateOf(targetDecider, stream.commits) });

/** The target as its round's stream has it now. */
export const loadTarget = async (ports: CascadePorts, work: TargetWork): Promise<TargetView> => loadState(ports.store, targetDecider, await targetStream(ports, work));

/** The target as the work carries it, else as its stream has it now. */
export const openTarget = async (ports: CascadePorts, work: TargetWork): Promise<TargetView> => carriedView(work) ?? loadTarget(ports, work);

/**
 * What a cascade does at one MNO: submit the change, read back which parts differ, record what was
 * confirmed; and, since an older change must never overwrite a newer one there, say whether a
 * newer change has taken this one's place, and submit that newest one instead when it overtook
 * this step's own submission.
 */
export interface TargetAction {
  /** The cascade's subject and the MNO's registration the action works with (the next steps are handed them). */
  subject: CascadeSubject;
  registration: MnoAccess;
  gateway: MnoGateway;
  /** One call to this MNO taken from its rate budget (throws MnoRateLimited when spent). */
  admit(): Promise<void>;
  /** Why a newer change (a later policy version, a later SIM state) has taken this one's place now, or undefined. */
  superseded(): Promise<string | undefined>;
  apply(): Promise<Submission>;
  /** Submits the newest change in place of this one (after a newer one overtook this step's submission). */
  converge(): Promise<void>;
  /** The rules (or `state`) whose value at the MNO differs from this change; empty when all hold. */
  differences(): Promise<string[]>;
  /** Called once the MNO is verified to hold the change. */
  verified(): Promise<void>;
}

type Subject<K extends CascadeSubject['kind']> = Extract<CascadeSubject, { kind: K }>;

/** Published policy versions never change: the steps of a cascade read the same document, so a process reads it once. */
const publishedVersions = new Map<string, Promise<PolicyDocument | undefined>>();

const loadPolicy = async (ports: CascadePorts, tenant: string, policyId: string) => (await loadState(ports.store, policyDecider, policyStream(tenant, policyId))).state;

/** Kept as the read under way, so that the steps of one cascade starting at once read it once (a version not found, or a failed read, is not kept). */
const publishedVersion = (ports: CascadePorts, tenant: string, policyId: string, version: number): Promise<PolicyDocument | undefined> => {
  const key = `${tenant} ${policyId} ${version}`;
  const kept = publishedVersions.get(key);
  if (kept) return kept;
  const reading = loadPolicy(ports, tenant, policyId).then((policy) => policy.published[version]);
  keepBounded(publishedVersions, key, reading, 256);
  const forget = () => void (publishedVersions.get(key) === reading && publishedVersions.delete(key));
  reading.then((document) => document ?? forget(), forget);
  return reading;
};

/** A published version as this MNO enforces it (the rules it cannot enforce left out). */
const effectiveAt = async (ports: CascadePorts, tenant: string, policyId: string, version: number, mno: MnoAccess) => {
  const document = await publishedVersion(ports, tenant, policyId, version);
  if (!document) throw new MnoPermanentError(`policy ${policyId} has no version ${version}`);
  return compilePolicy(document, mno.capabilities as PolicyRule[]).effective;
};

const policyAction = async (ports: CascadePorts, tenant: string, subject: Subject<'policy'>, mno: MnoAccess, gateway: MnoGateway, publishedAt?: number): Promise<Omit<TargetAction, 'admit' | 'subject' | 'registration'>> => {
  const effective = await effectiveAt(ports, tenant, subject.policyId, subject.version, mno);
  const profileId = `${tenant}.${subject.policyId}`;
  return {
    gateway,
    superseded: () => newerVersion(ports, tenant, subject, publishedAt),
    apply: () => gateway.applyPolicy(profileId, effective),
    converge: async () => {
      const { latestVersion } = await loadPolicy(ports, tenant, subject.policyId);
      await gateway.applyPolicy(profileId, await effectiveAt(ports, tenant, subject.policyId, latestVersion, mno));
    },
    differences: async () => policyDrift(effective, await gateway.readPolicy(profileId)),
    verified: async () => undefined,
  };
};

/** The SIM as its stream has it now. */
export const loadSim = async (ports: CascadePorts, tenant: string, eid: string) => (await loadState(ports.store, simDecider, simStream(tenant, eid))).state;

/**
 * Sets a SIM's state at one MNO: the state this cascade carries. A later change of the SIM
 * supersedes it (its own cascade sets the newer state); when the later change overtook this
 * step's submission, the step submits the SIM's state as it is now, so the MNO never keeps the
 * older one. Read back, the MNO is compared with this cascade's state, never with a newer one.
 */
/**
 * What a quarantined SIM is held to at this MNO: its enterprise's governing policy's quarantine (the
 * latest version), compiled for what the MNO can enforce. A policy without one cannot quarantine.
 */
const restrictionAt = async (ports: CascadePorts, tenant: string, registration: MnoAccess) => {
  const { state: enterprise } = await loadState(ports.store, enterpriseDecider, enterpriseStream(tenant));
  const policyId = enterprise.status === 'none' ? undefined : enterprise.settings.policyId;
  const policy = policyId ? await loadPolicy(ports, tenant, policyId) : undefined;
  const document = policy?.published[policy.latestVersion];
  const compiled = document && quarantineOf(document, registration.capabilities as PolicyRule[]);
  if (!compiled) throw new MnoPermanentError('the enterprise’s governing policy declares no quarantine (quarantine.destinations): the SIM cannot be quarantined');
  // A quarantine this MNO cannot hold the SIM to would let it reach anywhere: refused, not pretended.
  const gaps = compiled.unenforceable.map((u) => u.rule).filter((rule) => rule === 'data.destinations' || rule === 'sms.mo' || rule === 'sms.mt');
  if (gaps.length > 0) throw new MnoPermanentError(`${registration.id} cannot enforce ${gaps.join(', ')}: it cannot hold a SIM in quarantine (suspend it instead)`);
  return compiled.effective;
};

const simStateAction = async (ports: CascadePorts, tenant: string, subject: Subject<'sim-state'>, registration: MnoAccess, gateway: MnoGateway): Promise<Omit<TargetAction, 'admit' | 'subject' | 'registration'>> => {
  const mno = registration.id;
  const sim = await loadSim(ports, tenant, subject.eid);
  if (sim.status === 'unregistered') throw new MnoPermanentError('the SIM does not exist');
  const profile = sim.profiles.find((p) => p.iccid === (subject.iccid ?? sim.enabledProfile) && p.mno === mno) ?? sim.profiles.find((p) => p.mno === mno);
  if (!profile) throw new MnoPermanentError(`no profile of this SIM is on ${mno}`);
  let confirmed: SimStateAtMno | undefined;
  return {
    gateway,
    superseded: async () => simSuperseded(subject, await loadSim(ports, tenant, subject.eid)),
    apply: async () => gateway.setSimState(profile.iccid, subject.state, subject.state === 'quarantined' ? await restrictionAt(ports, tenant, registration) : undefined),
    converge: async () => {
      const desired = desiredSimState(await loadSim(ports, tenant, subject.eid));
      if (desired) await gateway.setSimState(profile.iccid, desired, desired === 'quarantined' ? await restrictionAt(ports, tenant, registration) : undefined);
    },
    differences: async () => {
      confirmed = await gateway.readSimState(profile.iccid);
      return simStateDrift(confirmed, subject.state);
    },
    verified: async () => {
      if (!confirmed) return;
      await executeCommand(
        ports.store,
        simDecider,
        simStream(tenant, subject.eid),
        { type: 'RecordObservedState', actor: 'switchboard:cascade', mno, state: confirmed },
        { actor: 'switchboard:cascade', correlationId: `cascade:${subject.eid}`, region: ports.region },
        25,
      );
    },
  };
};

/**
 * The action at the work's MNO: from the subject and registration the work carries, else read (the
 * cascade's stream: `loaded` when the step has read it already; the MNO's).
 */
export const targetAction = async (ports: CascadePorts, work: TargetWork, loaded?: CascadeState): Promise<TargetAction> => {
  const [subject, registration] = await Promise.all([
    work.subject ?? (loaded && loaded.status !== 'none' ? loaded : await loadCascade(ports, work)).subject,
    work.registration ?? loadRegistration(ports, work.mno),
  ]);
  const gateway = await ports.gateway(registration);
  const action = subject.kind === 'policy' ? await policyAction(ports, work.tenant, subject, registration, gateway, work.publishedAt) : await simStateAction(ports, work.tenant, subject, registration, gateway);
  return { ...action, subject, registration, admit: () => ports.admit(registration) };
};

/** The MNO's registration as its stream has it now. */
export const loadRegistration = async (ports: CascadePorts, id: string) => {
  const mno = await loadMno(ports.store, id);
  if (mno.status === 'unknown') throw new MnoPermanentError(`MNO ${id} is not registered`);
  return mno.registration;
};
