import { cascadeDecider, type CascadeCommand, type CascadeState } from '../../domain/cascade/decider.ts';
import { canonicalJson } from '../../domain/policy/canonical.ts';
import { compilePolicy } from '../../domain/policy/compile.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import { ruleValue, rulesUsed, type PolicyRule } from '../../domain/policy/rules.ts';
import { executeCommand } from '../command.ts';
import { config, eventStore } from '../config.ts';
import { cascadeStream, policyStream } from '../event-store/stream-ids.ts';
import { loadMno } from '../mnos.ts';
import { loadState } from '../load-state.ts';
import type { MnoGateway, Submission } from '../mno-gateways/gateway.ts';
import { MnoPermanentError } from '../mno-gateways/gateway.ts';
import { gatewayFor } from '../mno-gateways/index.ts';
import type { CascadeInput } from './cascade-workflow.ts';

/** Appends a cascade step; Map iterations write to one stream at once, so conflicts are re-decided generously. */
export const recordStep = (input: CascadeInput, command: CascadeCommand) =>
  executeCommand(
    eventStore,
    cascadeDecider,
    cascadeStream(input.tenant, input.cascadeId),
    command,
    { actor: 'switchboard:cascade', correlationId: input.cascadeId, region: config.region },
    25,
  );

export const loadCascade = async (input: CascadeInput): Promise<Extract<CascadeState, { cascadeId: string }>> => {
  const { state } = await loadState(eventStore, cascadeDecider, cascadeStream(input.tenant, input.cascadeId));
  if (state.status === 'none') throw new MnoPermanentError(`cascade ${input.cascadeId} does not exist`);
  return state;
};


/** What a cascade does at one MNO: submit the change, and read back which rules differ from it. */
export interface TargetAction {
  gateway: MnoGateway;
  apply(): Promise<Submission>;
  /** The rules (or `state`) whose value at the MNO differs from what was applied; empty when all hold. */
  differences(): Promise<string[]>;
}

export const targetAction = async (input: CascadeInput & { mno: string }): Promise<TargetAction> => {
  const [cascade, mno] = await Promise.all([loadCascade(input), loadMno(eventStore, input.mno)]);
  if (mno.status === 'unknown') throw new MnoPermanentError(`MNO ${input.mno} is not registered`);
  const gateway = await gatewayFor(mno.registration);
  const subject = cascade.subject;
  if (subject.kind !== 'policy') throw new MnoPermanentError(`${subject.kind} cascades are not supported yet`);
  const { state: policy } = await loadState(eventStore, policyDecider, policyStream(input.tenant, subject.policyId));
  const document = policy.published[subject.version];
  if (!document) throw new MnoPermanentError(`policy ${subject.policyId} has no version ${subject.version}`);
  const { effective } = compilePolicy(document, mno.registration.capabilities as PolicyRule[]);
  const profileId = `${input.tenant}.${subject.policyId}`;
  return {
    gateway,
    apply: () => gateway.applyPolicy(profileId, effective),
    differences: async () => {
      const held = await gateway.readPolicy(profileId);
      if (!held) return ['profile'];
      // Only the rules this MNO was given: what it holds beyond them is not ours to verify.
      return rulesUsed(effective).filter((rule) => canonicalJson(ruleValue(held, rule) ?? null) !== canonicalJson(ruleValue(effective, rule)));
    },
  };
};

export const now = () => new Date().toISOString();
