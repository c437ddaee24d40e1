import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { policySuperseded } from '../../domain/cascade/process.ts';
import { eventsOf } from '../../domain/event-store.ts';
import { readEvents } from '../../domain/events.ts';
import { policyDecider } from '../../domain/policy/decider.ts';
import type { PolicyEvent } from '../../domain/policy/events.ts';
import { loadState } from '../load-state.ts';
import { policyStream } from '../stream-ids.ts';
import type { CascadePorts } from './ports.ts';

type PolicySubject = Extract<CascadeSubject, { kind: 'policy' }>;

const PAGE = 50;

/**
 * Why a later version of the policy has taken this one's place, or undefined while it is the
 * latest. Only a later PolicyPublished can: so only the policy's commits after this version's are
 * read (`publishedAt`, its event's position in the policy's stream, found by planning), not the
 * whole history a long-lived policy has (every draft and version), as each step of each target asks
 * it. Without `publishedAt` (work planned before it was carried): the whole stream.
 */
export const newerVersion = async (ports: CascadePorts, tenant: string, subject: PolicySubject, publishedAt: number | undefined): Promise<string | undefined> => {
  const stream = policyStream(tenant, subject.policyId);
  if (publishedAt === undefined) return policySuperseded(subject, (await loadState(ports.store, policyDecider, stream)).state);
  let latest: { latestVersion: number; latestCascadeId?: string | undefined } = { latestVersion: subject.version };
  for (let after = publishedAt; ; ) {
    const { commits, more } = await ports.store.readCommits(stream, { after, limit: PAGE });
    for (const e of readEvents<PolicyEvent>(eventsOf(commits), policyDecider.events))
      if (e.type === 'PolicyPublished' && e.data.version > latest.latestVersion) latest = { latestVersion: e.data.version, latestCascadeId: e.data.cascadeId };
    const last = commits.at(-1);
    if (!more || !last) break;
    after = last.version + last.events.length - 1;
  }
  return policySuperseded(subject, latest);
};

/** Where this version's PolicyPublished is in the policy's stream (for `newerVersion`), from the stream as planning read it. */
export const publishedAtOf = (subject: PolicySubject, events: readonly { type: string; version: number; data: unknown }[]) =>
  events.find((e) => e.type === 'PolicyPublished' && (e.data as { version: number }).version === subject.version)?.version;
