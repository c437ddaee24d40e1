import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { desiredSimState, policyDrift, simStateDrift, simTargetAt } from '../../domain/cascade/process.ts';
import { targetDecider, type TargetCommand } from '../../domain/cascade/target.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { compilePolicy } from '../../domain/policy/compile.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import type { PolicyRule } from '../../domain/policy/rules.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { executeCommand } from '../command.ts';
import { loadState } from '../load-state.ts';
import { loadMno } from '../mnos.ts';
import { MnoPermanentError, type MnoGateway, type SimStateAtMno, type Submission } from '../ports/mno-gateway.ts';
import { cascadeStream, cascadeTargetStream, policyStream, simStream } from '../stream-ids.ts';
import type { CascadePorts } from './ports.ts';
import type { CascadeInput, TargetWork } from './work.ts';

export const stepContext = (ports: CascadePorts, input: CascadeInput) => ({ actor: 'switchboard:cascade', correlationId: input.cascadeId, region: ports.region });

/** The cascade as its own stream has it (subject, round and its targets; each target's progress is on its stream). */
export const loadCascade = async (ports: CascadePorts, input: CascadeInput): Promise<Extract<CascadeState, { cascadeId: string }>> => {
  const { state } = await loadState(ports.store, cascadeDecider, cascadeStream(input.tenant, input.cascadeId));
  if (state.status === 'none') throw new MnoPermanentError(`cascade ${input.cascadeId} does not exist`);
  return state;
};

/** The target's stream: its round's (work planned before rounds were passed has none: the current round). */
const targetStream = async (ports: CascadePorts, work: TargetWork) =>
  cascadeTargetStream(work.tenant, work.cascadeId, work.round ?? (await loadCascade(ports, work)).round, work.mno);

/** Appends a step to the target's own stream (one MNO, one round): only that MNO's steps write there. */
export const recordStep = async (ports: CascadePorts, work: TargetWork, command: TargetCommand) =>
  executeCommand(ports.store, targetDecider, await targetStream(ports, work), command, stepContext(ports, work));

/** The target as its round's stream has it. */
export const loadTarget = async (ports: CascadePorts, work: TargetWork) => (await loadState(ports.store, targetDecider, await targetStream(ports, work))).state;

/** What a cascade does at one MNO: submit the change, read back which parts differ, and record what was confirmed. */
export interface TargetAction {
  gateway: MnoGateway;
  apply(): Promise<Submission>;
  /** The rules (or `state`) whose value at the MNO differs from what was applied; empty when all hold. */
  differences(): Promise<string[]>;
  /** Called once the MNO is verified to hold the change. */
  verified(): Promise<void>;
}

type Subject<K extends CascadeSubject['kind']> = Extract<CascadeSubject, { kind: K }>;

/** Published policy versions never change: the steps of a cascade read the same document, so a process reads it once. */
const publishedVersions = new Map<string, PolicyDocument>();

const publishedVersion = async (ports: CascadePorts, tenant: string, policyId: string, version: number): Promise<PolicyDocument | undefined> => {
  const key = `${tenant} ${policyId} ${version}`;
  const kept = publishedVersions.get(key);
  if (kept) return kept;
  const { state: policy } = await loadState(ports.store, policyDecider, policyStream(tenant, policyId));
  const document = policy.published[version];
  if (document) {
    if (publishedVersions.size >= 256) publishedVersions.delete(publishedVersions.keys().next().value!);
    publishedVersions.set(key, document);
  }
  return document;
};

const policyAction = async (ports: CascadePorts, tenant: string, subject: Subject<'policy'>, mno: MnoRegistration, gateway: MnoGateway): Promise<TargetAction> => {
  const document = await publishedVersion(ports, tenant, subject.policyId, subject.version);
  if (!document) throw new MnoPermanentError(`policy ${subject.policyId} has no version ${subject.version}`);
  const { effective } = compilePolicy(document, mno.capabilities as PolicyRule[]);
  const profileId = `${tenant}.${subject.policyId}`;
  return {
    gateway,
    apply: () => gateway.applyPolicy(profileId, effective),
    differences: async () => policyDrift(effective, await gateway.readPolicy(profileId)),
    verified: async () => undefined,
  };
};

/** The SIM as its stream has it now. */
export const loadSim = async (ports: CascadePorts, tenant: string, eid: string) => (await loadState(ports.store, simDecider, simStream(tenant, eid))).state;

/**
 * Sets a SIM's state at one MNO. It converges rather than replays: each step applies and checks
 * the state the SIM should have *now*, so two changes racing through the workflow cannot leave the
 * MNO holding the older one.
 */
const simStateAction = async (ports: CascadePorts, tenant: string, subject: Subject<'sim-state'>, mno: string, gateway: MnoGateway): Promise<TargetAction> => {
  const current = async () => desiredSimState(await loadSim(ports, tenant, subject.eid));
  const sim = await loadSim(ports, tenant, subject.eid);
  const target = simTargetAt(sim, { ...subject, state: desiredSimState(sim) ?? subject.state }, mno);
  if ('skip' in target) throw new MnoPermanentError(target.skip);
  let confirmed: SimStateAtMno | undefined;
  return {
    gateway,
    apply: () => gateway.setSimState(target.iccid, target.desired),
    differences: async () => {
      const [held, desired] = await Promise.all([gateway.readSimState(target.iccid), current()]);
      confirmed = held;
      return simStateDrift(held, desired);
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

export const targetAction = async (ports: CascadePorts, input: CascadeInput & { mno: string }): Promise<TargetAction> => {
  const [cascade, mno] = await Promise.all([loadCascade(ports, input), loadMno(ports.store, input.mno)]);
  if (mno.status === 'unknown') throw new MnoPermanentError(`MNO ${input.mno} is not registered`);
  const gateway = await ports.gateway(mno.registration);
  const subject = cascade.subject;
  return subject.kind === 'policy'
    ? policyAction(ports, input.tenant, subject, mno.registration, gateway)
    : simStateAction(ports, input.tenant, subject, input.mno, gateway);
};
