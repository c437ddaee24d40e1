import { createHash } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CascadeSubject } from '../../domain/cascade/events.ts';
import { simDecider } from '../../domain/sim/decider.ts';
import { startCascade } from '../cascades.ts';
import { config, eventStore } from '../config.ts';
import { loadState } from '../load-state.ts';
import { commitOf, originatedHere } from './commits.ts';

const SIM_STREAM = /^T#([a-z0-9-]{3,40})#SIM#(\d{32})$/;
const STATE_AFTER: Record<string, Extract<CascadeSubject, { kind: 'sim-state' }>['state']> = {
  SimActivated: 'active',
  SimResumed: 'active',
  SimSuspended: 'suspended',
  SimTerminated: 'terminated',
};

/** Named after the commit, so a stream record delivered twice starts the same cascade (a no-op). */
const cascadeIdFor = (streamId: string, version: number) => `sim-${createHash('sha256').update(`${streamId}#${version}`).digest('hex').slice(0, 32)}`;

const startFor = async (record: DynamoDBRecord) => {
  const commit = commitOf(record);
  if (!commit || !originatedHere(commit)) return;
  const match = SIM_STREAM.exec(commit.streamId);
  if (!match) return;
  const [, tenant, eid] = match as unknown as [string, string, string];
  for (const event of commit.events) {
    const state = STATE_AFTER[event.type];
    if (!state) continue;
    const { state: sim } = await loadState(eventStore, simDecider, commit.streamId);
    if (sim.status === 'unregistered') continue;
    const targets = [...new Set(sim.profiles.map((p) => p.mno))];
    const context = { actor: commit.metadata.actor, correlationId: commit.metadata.correlationId, region: config.region };
    await startCascade(eventStore, tenant, cascadeIdFor(commit.streamId, event.version), { kind: 'sim-state', eid, state }, targets, context);
  }
};

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/**
 * DynamoDB stream → SIM lifecycle changes (activate, suspend, resume, terminate) start a cascade
 * that sets the state at every MNO hosting one of the SIM's profiles. Off the command's path: a
 * command costs its Query and PutItem, nothing more. Failed records are reported, not dropped.
 */
export const handler = async (event: DynamoDBStreamEvent) => processPartialResponse(event, startFor, processor);
