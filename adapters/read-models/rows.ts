import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RecordedEvent } from '../../domain/event-store.ts';
import { canonicalJson } from '../../domain/policy/canonical.ts';
import type { Projection } from './projections.ts';

/** What a projection needs of a commit (a stream record's or a stored one). */
export interface ProjectedCommit {
  version: number;
  events: readonly RecordedEvent[];
  metadata: { time: string };
}

/** A projected stream's state as of a version: the state its row holds. */
export interface Projected<S> {
  state: S;
  /** The stream's version the state includes (its last event's version); 0 before any. */
  version: number;
  /** Time of the last commit included. */
  updatedAt: string;
}

export const lastVersion = (c: ProjectedCommit) => c.version + c.events.length - 1;

export const initialOf = <S>(projection: Projection<S>): Projected<S> => ({ state: projection.initial, version: 0, updatedAt: '' });

/** Folds commits that follow `from` without a gap (a commit already included is passed over). */
export const applyCommits = <S>(projection: Projection<S>, from: Projected<S>, commits: readonly ProjectedCommit[]): Projected<S> => {
  let { state, version, updatedAt } = from;
  for (const c of commits) {
    if (lastVersion(c) <= version) continue;
    if (c.version !== version + 1) throw new Error(`commit ${c.version} does not follow version ${version}`);
    for (const e of c.events) state = projection.evolve(state, e, c.metadata.time);
    version = lastVersion(c);
    updatedAt = c.metadata.time;
  }
  return { state, version, updatedAt };
};

/**
 * The row as stored: keys for the table and both indexes, the listed fields, and the state as
 * canonical JSON (so a row folded in one go and one updated commit by commit are byte-equal).
 * Undefined while the projection has nothing to list.
 */
export const rowItem = <S>(
  projection: Projection<S>,
  at: { streamId: string; list: string; id: string },
  projected: Projected<S>,
): Record<string, AttributeValue> | undefined => {
  const index = projection.index(projected.state);
  if (!index) return undefined;
  return {
    pk: { S: at.streamId },
    listKey: { S: at.list },
    statusKey: { S: `${at.list}#${index.status}` },
    sortKey: { S: index.sortKey },
    id: { S: at.id },
    status: { S: index.status },
    version: { N: String(projected.version) },
    updatedAt: { S: projected.updatedAt },
    state: { S: canonicalJson(projected.state) },
    ...index.attributes,
  };
};

/** A stored row back as the projected state it holds. */
export const projectedOf = <S>(item: Record<string, AttributeValue>): Projected<S> => ({
  state: JSON.parse(item.state?.S ?? 'null') as S,
  version: Number(item.version?.N ?? 0),
  updatedAt: item.updatedAt?.S ?? '',
});

export const stringsOf = (value: AttributeValue | undefined): string[] => (value?.L ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S]));
