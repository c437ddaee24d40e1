import { readEvents } from '../../domain/events.ts';
import { fold } from '../../domain/decider.ts';
import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { IN_DOUBT_MS, desiredSimState, policyDrift, policySuperseded, simStateAfter, simStateDrift, simSuperseded } from '../../domain/cascade/process.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { simCascadeId } from './cascade-ids.ts';
import { targetDecider, type TargetCommand } from '../../domain/cascade/target.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { compilePolicy, quarantineOf } from '../../domain/policy/compile.ts';
import { enterpriseDecider } from '../../domain/enterprise/decider.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import type { PolicyRule } from '../../domain/policy/rules.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand } from '../command.ts';
import { loadState } from '../load-state.ts';
import { loadMno } from '../mnos.ts';
import { MnoPermanentError, type MnoGateway, type SimStateAtMno, type Submission } from '../ports/mno-gateway.ts';
import { cascadeStream, cascadeTargetStream, enterpriseStream, policyStream, simStream } from '../stream-ids.ts';
import type { CascadePorts } from './ports.ts';
import type { CascadeInput, TargetWork } from './work.ts';

export const stepContext = (ports: CascadePorts, input: CascadeInput) => ({ actor: 'switchboard:cascade', correlationId: input.cascadeId, region: ports.region });

/** The cascade as its own stream has it (subject, round and its targets; each target's progress is on its stream). */
export const loadCascade = async (ports: CascadePorts, input: CascadeInput): Promise<Extract<CascadeState, { cascadeId: string }>> => {
  const { state } = await loadState(ports.store, cascadeDecider, cascadeStream(input.tenant, input.cascadeId));
  if (state.status === 'none') throw new MnoPermanentError(`cascade ${input.cascadeId} does not exist`);
  return state;
};

/** Whether the execution's round and attempt are the cascade's current ones (a running cascade's): only then may its steps change anything. */
export const current = (cascade: CascadeState, input: CascadeInput) =>
  cascade.status === 'running' && (input.round ?? cascade.round) === cascade.round && (input.attempt ?? 0) === cascade.attempt;

/** The target's stream: its round's (work planned before rounds were passed has none: the current round). */
const targetStream = async (ports: CascadePorts, work: TargetWork) =>
  cascadeTargetStream(work.tenant, work.cascadeId, work.round ?? (await loadCascade(ports, work)).round, work.mno);

/** Appends a step to the target's own stream (one MNO, one round): only that MNO's steps write there. */
export const recordStep = async (ports: CascadePorts, work: TargetWork, command: TargetCommand) =>
  executeCommand(ports.store, targetDecider, await targetStream(ports, work), command, stepContext(ports, work));

/** The target as its round's stream has it. */
export const loadTarget = async (ports: CascadePorts, work: TargetWork) => (await loadState(ports.store, targetDecider, await targetStream(ports, work))).state;

/**
 * What a cascade does at one MNO: submit the change, read back which parts differ, record what was
 * confirmed; and, since an older change must never overwrite a newer one there, say whether a
 * newer change has taken this one's place, and submit that newest one instead when it overtook
 * this step's own submission.
 */
export interface TargetAction {
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
const publishedVersions = new Map<string, PolicyDocument>();

const loadPolicy = async (ports: CascadePorts, tenant: string, policyId: string) => (await loadState(ports.store, policyDecider, policyStream(tenant, policyId))).state;

const publishedVersion = async (ports: CascadePorts, tenant: string, policyId: string, version: number): Promise<PolicyDocument | undefined> => {
  const key = `${tenant} ${policyId} ${version}`;
  const kept = publishedVersions.get(key);
  if (kept) return kept;
  const document = (await loadPolicy(ports, tenant, policyId)).published[version];
  if (document) {
    if (publishedVersions.size >= 256) publishedVersions.delete(publishedVersions.keys().next().value!);
    publishedVersions.set(key, document);
  }
  return document;
};

/** A published version as this MNO enforces it (the rules it cannot enforce left out). */
const effectiveAt = async (ports: CascadePorts, tenant: string, policyId: string, version: number, mno: MnoRegistration) => {
  const document = await publishedVersion(ports, tenant, policyId, version);
  if (!document) throw new MnoPermanentError(`policy ${policyId} has no version ${version}`);
  return compilePolicy(document, mno.capabilities as PolicyRule[]).effective;
};

const policyAction = async (ports: CascadePorts, tenant: string, subject: Subject<'policy'>, mno: MnoRegistration, gateway: MnoGateway): Promise<Omit<TargetAction, 'admit'>> => {
  const effective = await effectiveAt(ports, tenant, subject.policyId, subject.version, mno);
  const profileId = `${tenant}.${subject.policyId}`;
  return {
    gateway,
    superseded: async () => policySuperseded(subject, await loadPolicy(ports, tenant, subject.policyId)),
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
const restrictionAt = async (ports: CascadePorts, tenant: string, registration: MnoRegistration) => {
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

const simStateAction = async (ports: CascadePorts, tenant: string, subject: Subject<'sim-state'>, registration: MnoRegistration, gateway: MnoGateway): Promise<Omit<TargetAction, 'admit'>> => {
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

/** `loaded`: the cascade, when the step has read it already. */
export const targetAction = async (ports: CascadePorts, input: CascadeInput & { mno: string }, loaded?: CascadeState): Promise<TargetAction> => {
  const [cascade, mno] = await Promise.all([loaded && loaded.status !== 'none' ? loaded : loadCascade(ports, input), loadMno(ports.store, input.mno)]);
  if (mno.status === 'unknown') throw new MnoPermanentError(`MNO ${input.mno} is not registered`);
  const gateway = await ports.gateway(mno.registration);
  const subject = cascade.subject;
  const action = subject.kind === 'policy' ? await policyAction(ports, input.tenant, subject, mno.registration, gateway) : await simStateAction(ports, input.tenant, subject, mno.registration, gateway);
  return { ...action, admit: () => ports.admit(mno.registration) };
};

/** The cascades of the changes before this one to the same subject (the last three): a submission of theirs may still be in doubt. */
const olderCascades = async (ports: CascadePorts, tenant: string, subject: CascadeSubject, own: string): Promise<string[]> => {
  if (subject.kind === 'policy') {
    const events = eventsOf((await ports.store.load(policyStream(tenant, subject.policyId))).commits);
    return events
      .filter((e) => e.type === 'PolicyPublished' && (e.data as { version: number }).version < subject.version)
      .slice(-3)
      .map((e) => (e.data as { cascadeId: string }).cascadeId);
  }
  const stream = simStream(tenant, subject.eid);
  const events = eventsOf((await ports.store.load(stream)).commits);
  return events
    .filter((e) => simStateAfter(e.type) !== undefined)
    .map((e) => simCascadeId(stream, e.version))
    .filter((id) => id !== own)
    .slice(-3);
};

/**
 * When the latest submission of an older change to this MNO began, if it never answered and may
 * still land (within IN_DOUBT_MS): this change waits until it can land no more, so that the newest
 * is the last the MNO gets. Undefined when nothing older is in doubt there.
 */
export const olderSubmissionInDoubt = async (ports: CascadePorts, work: TargetWork, subject: CascadeSubject, now: number): Promise<number | undefined> => {
  const began = await Promise.all(
    (await olderCascades(ports, work.tenant, subject, work.cascadeId)).map(async (cascadeId) => {
      const { commits } = await ports.store.load(cascadeStream(work.tenant, cascadeId));
      const cascade = fold(cascadeDecider, cascadeDecider.initialState, readEvents(eventsOf(commits), cascadeDecider.events));
      if (cascade.status === 'none' || !cascade.roundTargets.includes(work.mno)) return undefined;
      if (cascade.status !== 'running') {
        // Ended longer ago than a submission stays in doubt (every attempt of its round began before that), or ended
        // with this MNO's target not failed (verified, skipped, superseded: answered): nothing of it is in doubt.
        if (now - Date.parse(commits.at(-1)!.metadata.time) >= IN_DOUBT_MS) return undefined;
        if (cascade.targets.find((t) => t.mno === work.mno)?.status !== 'failed') return undefined;
      }
      const { state: target } = await loadState(ports.store, targetDecider, cascadeTargetStream(work.tenant, cascadeId, cascade.round, work.mno));
      const at = target.attemptAt === undefined ? Number.NaN : Date.parse(target.attemptAt);
      return target.inDoubt && (target.status === 'applying' || target.status === 'failed') && now - at < IN_DOUBT_MS ? at : undefined;
    }),
  );
  const inDoubt = began.filter((at): at is number => at !== undefined);
  return inDoubt.length > 0 ? Math.max(...inDoubt) : undefined;
};
