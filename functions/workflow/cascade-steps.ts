import { cascadeDecider, type CascadeState } from '../../domain/cascade/decider.ts';
import { targetDecider, type TargetCommand } from '../../domain/cascade/target.ts';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import type { MnoRegistration } from '../../domain/mno/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { canonicalJson } from '../../domain/policy/canonical.ts';
import { compilePolicy } from '../../domain/policy/compile.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyDocument } from '../../domain/policy/document.ts';
import { ruleValue, rulesUsed, type PolicyRule } from '../../domain/policy/rules.ts';
import { executeCommand } from '../command.ts';
import { config, eventStore } from '../config.ts';
import { cascadeStream, cascadeTargetStream, policyStream, simStream } from '../event-store/stream-ids.ts';
import { loadMno } from '../mnos.ts';
import { loadState } from '../load-state.ts';
import type { MnoGateway, SimStateAtMno, Submission } from '../mno-gateways/gateway.ts';
import { MnoPermanentError } from '../mno-gateways/gateway.ts';
import { gatewayFor } from '../mno-gateways/index.ts';
import type { CascadeInput, TargetWork } from './cascade-workflow.ts';

export const stepContext = (input: CascadeInput) => ({ actor: 'switchboard:cascade', correlationId: input.cascadeId, region: config.region });

/** The target's stream: its round's (work planned before rounds were passed has none: the current round). */
const targetStream = async (work: TargetWork) =>
  cascadeTargetStream(work.tenant, work.cascadeId, work.round ?? (await loadCascade(work)).round, work.mno);

/** Appends a step to the target's own stream (one MNO, one round): only that MNO's steps write there. */
export const recordStep = async (work: TargetWork, command: TargetCommand) =>
  executeCommand(eventStore, targetDecider, await targetStream(work), command, stepContext(work));

/** The target as its round's stream has it. */
export const loadTarget = async (work: TargetWork) => (await loadState(eventStore, targetDecider, await targetStream(work))).state;

/** The cascade as its own stream has it (subject, round and its targets; each target's progress is on its stream). */
export const loadCascade = async (input: CascadeInput): Promise<Extract<CascadeState, { cascadeId: string }>> => {
  const { state } = await loadState(eventStore, cascadeDecider, cascadeStream(input.tenant, input.cascadeId));
  if (state.status === 'none') throw new MnoPermanentError(`cascade ${input.cascadeId} does not exist`);
  return state;
};


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

const publishedVersion = async (tenant: string, policyId: string, version: number): Promise<PolicyDocument | undefined> => {
  const key = `${tenant} ${policyId} ${version}`;
  const kept = publishedVersions.get(key);
  if (kept) return kept;
  const { state: policy } = await loadState(eventStore, policyDecider, policyStream(tenant, policyId));
  const document = policy.published[version];
  if (document) {
    if (publishedVersions.size >= 256) publishedVersions.delete(publishedVersions.keys().next().value!);
    publishedVersions.set(key, document);
  }
  return document;
};

const policyAction = async (tenant: string, subject: Subject<'policy'>, mno: MnoRegistration, gateway: MnoGateway): Promise<TargetAction> => {
  const document = await publishedVersion(tenant, subject.policyId, subject.version);
  if (!document) throw new MnoPermanentError(`policy ${subject.policyId} has no version ${subject.version}`);
  const { effective } = compilePolicy(document, mno.capabilities as PolicyRule[]);
  const profileId = `${tenant}.${subject.policyId}`;
  return {
    gateway,
    apply: () => gateway.applyPolicy(profileId, effective),
    differences: async () => {
      const held = await gateway.readPolicy(profileId);
      if (!held) return ['profile'];
      // Only the rules this MNO was given: what it holds beyond them is not ours to verify.
      return rulesUsed(effective).filter((rule) => canonicalJson(ruleValue(held, rule) ?? null) !== canonicalJson(ruleValue(effective, rule)));
    },
    verified: async () => undefined,
  };
};

/** The SIM's profile on this MNO and the state it should have there now, or why there is nothing to do. */
export const simTarget = async (tenant: string, subject: Subject<'sim-state'>, mno: string) => {
  const { state: sim } = await loadState(eventStore, simDecider, simStream(tenant, subject.eid));
  if (sim.status === 'unregistered') return { skip: 'the SIM does not exist' };
  const desired = sim.status === 'inventory' ? undefined : sim.status;
  if (desired !== subject.state) return { skip: `superseded: the SIM is now ${sim.status}` };
  const profile = sim.profiles.find((p) => p.mno === mno);
  return profile ? { iccid: profile.iccid, desired } : { skip: `no profile of this SIM is on ${mno}` };
};

/**
 * Sets a SIM's state at one MNO. It converges rather than replays: each step applies and checks
 * the state the SIM should have *now*, so two changes racing through the workflow cannot leave the
 * MNO holding the older one.
 */
const simStateAction = async (tenant: string, subject: Subject<'sim-state'>, mno: string, gateway: MnoGateway): Promise<TargetAction> => {
  const current = async () => {
    const { state: sim } = await loadState(eventStore, simDecider, simStream(tenant, subject.eid));
    return sim.status === 'unregistered' || sim.status === 'inventory' ? undefined : sim.status;
  };
  const target = await simTarget(tenant, { ...subject, state: (await current()) ?? subject.state }, mno);
  if ('skip' in target) throw new MnoPermanentError(target.skip!);
  let confirmed: SimStateAtMno | undefined;
  return {
    gateway,
    apply: () => gateway.setSimState(target.iccid, target.desired),
    differences: async () => {
      const [held, desired] = await Promise.all([gateway.readSimState(target.iccid), current()]);
      confirmed = held;
      return held !== undefined && held === desired ? [] : ['state'];
    },
    verified: async () => {
      if (!confirmed) return;
      await executeCommand(
        eventStore,
        simDecider,
        simStream(tenant, subject.eid),
        { type: 'RecordObservedState', actor: 'switchboard:cascade', mno, state: confirmed },
        { actor: 'switchboard:cascade', correlationId: `cascade:${subject.eid}`, region: config.region },
        25,
      );
    },
  };
};

export const targetAction = async (input: CascadeInput & { mno: string }): Promise<TargetAction> => {
  const [cascade, mno] = await Promise.all([loadCascade(input), loadMno(eventStore, input.mno)]);
  if (mno.status === 'unknown') throw new MnoPermanentError(`MNO ${input.mno} is not registered`);
  const gateway = await gatewayFor(mno.registration);
  const subject = cascade.subject;
  return subject.kind === 'policy'
    ? policyAction(input.tenant, subject, mno.registration, gateway)
    : simStateAction(input.tenant, subject, input.mno, gateway);
};

export const now = () => new Date().toISOString();
