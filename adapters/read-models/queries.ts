import { GetItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MnoState } from '../../domain/mno/decider.ts';
import type { AlertState } from '../../domain/alerts/decider.ts';
import { parseAlertId } from '../../domain/alerts/events.ts';
import { alertSummary } from '../../application/views/alerts.ts';
import { alertStream, bulkStream, cascadeStream, enterpriseStream, mnoStream, policyStream, simStream } from '../../application/stream-ids.ts';
import { cascadeView } from '../../application/views/cascades.ts';
import type { BulkRow, CascadeRow } from './projections.ts';
import { projectedOf, stringsOf } from './rows.ts';
import { ENTERPRISES_LIST, OPEN_BULK_KEY, OPEN_CASCADES_KEY } from './projections.ts';
import { BY_LIST, BY_STATUS, OPEN } from './table.ts';
import { ALERT_SORT_KEY, BULK_SORT_KEY, CASCADE_SORT_KEY, encodeCursor } from './cursors.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { AlertPage } from '../../application/views/alerts.schema.ts';
import type { BulkOperationPage } from '../../application/views/bulk-operations.schema.ts';
import type { CascadePage } from '../../application/views/cascades.schema.ts';
import type { SimListItem, SimPage } from '../../application/views/sims.schema.ts';
export { ALERT_SORT_KEY, BULK_SORT_KEY, CASCADE_SORT_KEY, decodeCursor, encodeCursor } from './cursors.ts';

type Item = Record<string, AttributeValue>;

/** At most this many index pages per request: a filter that matches few rows answers with a cursor rather than reading on. */
const MAX_PAGES = 10;
const FILTERED_PAGE = 200;

interface RowQuery {
  list: string;
  /** Read the list's rows with this status only (the by-status index). */
  status?: string | undefined;
  forward: boolean;
  limit: number;
  /** Continue after this row (a cursor's sort key, and the row's table key). */
  after?: { sortKey: string; pk: string } | undefined;
  filter?: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> } | undefined;
}

/** A page of a list in sort-key order and where the next one starts (absent when the list is done). */
const queryRows = async (client: DynamoDBClient, table: string, q: RowQuery) => {
  const keyName = q.status === undefined ? 'listKey' : 'statusKey';
  const keyValue = q.status === undefined ? q.list : `${q.list}#${q.status}`;
  let start: Item | undefined = q.after && { pk: { S: q.after.pk }, [keyName]: { S: keyValue }, sortKey: { S: q.after.sortKey } };
  const rows: Item[] = [];
  for (let pages = 0; rows.length <= q.limit && pages < MAX_PAGES; pages++) {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: q.status === undefined ? BY_LIST : BY_STATUS,
        KeyConditionExpression: '#key = :key',
        FilterExpression: q.filter?.expression,
        ExpressionAttributeNames: { '#key': keyName, ...q.filter?.names },
        ExpressionAttributeValues: { ':key': { S: keyValue }, ...q.filter?.values },
        ScanIndexForward: q.forward,
        ExclusiveStartKey: start,
        // One row more than asked tells whether there is a next page without an empty last one.
        Limit: q.filter ? FILTERED_PAGE : q.limit + 1 - rows.length,
      }),
    );
    rows.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
    if (!start) break;
  }
  if (rows.length > q.limit) {
    rows.length = q.limit;
    return { rows, next: rows.at(-1)!.sortKey?.S };
  }
  return { rows, next: start?.sortKey?.S };
};

/** Cursors are a row's sort key, opaque to clients (cursors.ts); the table key is rebuilt from the caller's tenant, so a cursor cannot leave it. */
const page = <T>(items: T[], next: string | undefined) => ({ items, ...(next !== undefined && { nextCursor: encodeCursor(next) }) });

export interface SimQuery {
  state?: string | undefined;
  mno?: string | undefined;
  label?: string | undefined;
  /** SIMs whose enabled profile is on this MNO. */
  enabledOn?: string | undefined;
  limit: number;
  /** The EID to continue after. */
  after?: string | undefined;
}

/**
 * The EIDs of the tenant's SIMs over their data or SMS cap this cycle: those with a
 * `usage-over-cap` alert open or acknowledged (it is resolved once a person has dealt with it).
 */
export const overCapEids = async (client: DynamoDBClient, table: string, tenant: string): Promise<string[]> => {
  const pk = (sortKey: string) => {
    const id = parseAlertId(ALERT_SORT_KEY.exec(sortKey)?.[2] ?? '');
    return id ? alertStream(tenant, id.subject, id.kind) : '';
  };
  const filter = { expression: '#kind = :kind', names: { '#kind': 'kind' }, values: { ':kind': { S: 'usage-over-cap' } } };
  const rows = [
    ...(await allRows(client, table, { list: `T#${tenant}#ALERT`, status: 'open', filter }, pk)),
    ...(await allRows(client, table, { list: `T#${tenant}#ALERT`, status: 'acknowledged', filter }, pk)),
  ];
  return [...new Set(rows.flatMap((r) => (r.eid?.S ? [r.eid.S] : [])))].sort();
};

/**
 * A SIM row as the list answers it: the API's `SimListItem` (the type holds the two together).
 * The projection writes every one of these attributes; the row's status is the SIM's lifecycle state.
 */
const simItem = (r: Item): z.output<typeof SimListItem> => ({
  eid: r.id?.S ?? '',
  state: r.status?.S as z.output<typeof SimListItem>['state'],
  mnos: stringsOf(r.mnos),
  labels: stringsOf(r.labels),
  enabledMno: r.enabledMno?.S ?? '',
  version: Number(r.version?.N),
  updatedAt: r.updatedAt?.S ?? '',
});

/**
 * A page of the given SIMs (EIDs in order) after the cursor, read row by row, with the list's other
 * filters applied to them: the over-cap list.
 */
export const listSimsAmong = async (client: DynamoDBClient, table: string, tenant: string, eids: readonly string[], q: SimQuery): Promise<z.output<typeof SimPage>> => {
  const rest = eids.filter((e) => q.after === undefined || e > q.after);
  const slice = rest.slice(0, q.limit);
  const rows = await Promise.all(slice.map(async (e) => (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: simStream(tenant, e) } } }))).Item));
  const items = rows
    .filter((r): r is Item => r !== undefined)
    .map(simItem)
    .filter((s) => (q.state === undefined || s.state === q.state) && (q.mno === undefined || s.mnos.includes(q.mno)) && (q.label === undefined || s.labels.includes(q.label)) && (q.enabledOn === undefined || s.enabledMno === q.enabledOn));
  return page(items, rest.length > slice.length ? slice.at(-1) : undefined);
};

/** A tenant's SIMs in EID order (stable under updates), filtered by state, MNO and label. */
export const listSims = async (client: DynamoDBClient, table: string, tenant: string, q: SimQuery): Promise<z.output<typeof SimPage>> => {
  const conditions: string[] = [];
  const values: Record<string, AttributeValue> = {};
  if (q.mno !== undefined) (conditions.push('contains(mnos, :mno)'), (values[':mno'] = { S: q.mno }));
  if (q.label !== undefined) (conditions.push('contains(labels, :label)'), (values[':label'] = { S: q.label }));
  if (q.enabledOn !== undefined) (conditions.push('enabledMno = :enabledOn'), (values[':enabledOn'] = { S: q.enabledOn }));
  const { rows, next } = await queryRows(client, table, {
    list: `T#${tenant}#SIM`,
    status: q.state,
    forward: true,
    limit: q.limit,
    after: q.after === undefined ? undefined : { sortKey: q.after, pk: simStream(tenant, q.after) },
    filter: conditions.length ? { expression: conditions.join(' AND '), names: {}, values } : undefined,
  });
  return page(rows.map(simItem), next);
};


/** A tenant's cascades, newest first, optionally with one status; each with a count of its targets per status. */
export const listCascades = async (client: DynamoDBClient, table: string, tenant: string, q: { status?: string | undefined; limit: number; after?: string | undefined }): Promise<z.output<typeof CascadePage>> => {
  const id = q.after === undefined ? undefined : CASCADE_SORT_KEY.exec(q.after)?.[2];
  const { rows, next } = await queryRows(client, table, {
    list: `T#${tenant}#CASCADE`,
    status: q.status,
    forward: false,
    limit: q.limit,
    after: q.after === undefined || id === undefined ? undefined : { sortKey: q.after, pk: cascadeStream(tenant, id) },
  });
  const items = rows.flatMap((r) => {
    const { state, version, updatedAt } = projectedOf<CascadeRow>(r);
    const view = cascadeView(state.cascade, version);
    if (!view) return [];
    const summary: Record<string, number> = {};
    for (const t of view.targets) summary[t.status] = (summary[t.status] ?? 0) + 1;
    return [{ ...view, summary, startedAt: state.startedAt, updatedAt }];
  });
  return page(items, next);
};


/** A tenant's bulk operations, newest first, optionally with one status: what each asked, who started it, how it ended. */
export const listBulkOperations = async (client: DynamoDBClient, table: string, tenant: string, q: { status?: string | undefined; limit: number; after?: string | undefined }): Promise<z.output<typeof BulkOperationPage>> => {
  const id = q.after === undefined ? undefined : BULK_SORT_KEY.exec(q.after)?.[2];
  const { rows, next } = await queryRows(client, table, {
    list: `T#${tenant}#BULK`,
    status: q.status,
    forward: false,
    limit: q.limit,
    after: q.after === undefined || id === undefined ? undefined : { sortKey: q.after, pk: bulkStream(tenant, id) },
  });
  const items = rows.flatMap((r) => {
    const { state, version, updatedAt } = projectedOf<BulkRow>(r);
    const op = state.bulk;
    if (op.status === 'none') return [];
    return [{ id: op.bulkId, action: op.request.action, status: op.status, startedBy: op.startedBy, total: op.manifest?.total ?? null, counts: op.counts ?? null, startedAt: state.startedAt, updatedAt, version }];
  });
  return page(items, next);
};

/** Every MNO (platform-wide) in id order, with its status and whether it may get new work. */
export const listMnos = async (client: DynamoDBClient, table: string, q: { status?: string | undefined; limit: number; after?: string | undefined }) => {
  const { rows, next } = await queryRows(client, table, {
    list: 'MNO',
    status: q.status,
    forward: true,
    limit: q.limit,
    after: q.after === undefined ? undefined : { sortKey: q.after, pk: mnoStream(q.after) },
  });
  const items = rows.map((r) => {
    const { state, version, updatedAt } = projectedOf<MnoState>(r);
    const outage = state.status === 'unknown' ? undefined : state.outage;
    return { id: r.id?.S, status: r.status?.S, available: r.available?.BOOL === true, outage: outage?.reason ?? null, version, updatedAt };
  });
  return page(items, next);
};

/**
 * The running cascades of every tenant, from the sparse `open` index: what the reconciler checks
 * against the event store (the read model may lag: a cascade that completed since is passed over).
 */
export const openCascades = async (client: DynamoDBClient, table: string): Promise<{ tenant: string; cascadeId: string }[]> =>
  (await openRows(client, table, OPEN_CASCADES_KEY, /^T#([^#]+)#CASCADE#([^#]+)$/)).map(([tenant, cascadeId]) => ({ tenant, cascadeId }));

/** The running bulk operations of every tenant, from the same sparse index (each checked against its stream by the reconciler). */
export const openBulkOperations = async (client: DynamoDBClient, table: string): Promise<{ tenant: string; bulkId: string }[]> =>
  (await openRows(client, table, OPEN_BULK_KEY, /^T#([^#]+)#BULK#([^#]+)$/)).map(([tenant, bulkId]) => ({ tenant, bulkId }));

const openRows = async (client: DynamoDBClient, table: string, key: string, pattern: RegExp): Promise<[string, string][]> => {
  const out: [string, string][] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(new QueryCommand({ TableName: table, IndexName: OPEN, KeyConditionExpression: 'openKey = :open', ExpressionAttributeValues: { ':open': { S: key } }, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const m = pattern.exec(item.pk?.S ?? '');
      if (m) out.push([m[1]!, m[2]!]);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
};

/** Every row of a list (optionally of one status) that the filter keeps, in sort-key order: for the platform's own sweeps, not for API pages. */
const allRows = async (client: DynamoDBClient, table: string, q: Omit<RowQuery, 'forward' | 'limit' | 'after'>, pk: (sortKey: string) => string) => {
  const out: Item[] = [];
  let after: string | undefined;
  do {
    const { rows, next } = await queryRows(client, table, { ...q, forward: true, limit: 1000, after: after === undefined ? undefined : { sortKey: after, pk: pk(after) } });
    out.push(...rows);
    after = next;
  } while (after !== undefined);
  return out;
};

/** The active enterprises that chose this MNO (tenant ids). */
export const enterprisesUsing = async (client: DynamoDBClient, table: string, mno: string): Promise<string[]> =>
  (
    await allRows(client, table, { list: ENTERPRISES_LIST, status: 'active', filter: { expression: 'contains(mnos, :mno)', names: {}, values: { ':mno': { S: mno } } } }, (tenant) => enterpriseStream(tenant))
  ).map((r) => r.id!.S!);

/** The tenant's published policies (ids). */
export const publishedPolicies = async (client: DynamoDBClient, table: string, tenant: string): Promise<string[]> =>
  (await allRows(client, table, { list: `T#${tenant}#POLICY`, status: 'published' }, (policyId) => policyStream(tenant, policyId))).map((r) => r.id!.S!);

/** The tenant's SIMs with a profile on this MNO (EIDs). */
export const simsOn = async (client: DynamoDBClient, table: string, tenant: string, mno: string): Promise<string[]> =>
  (
    await allRows(client, table, { list: `T#${tenant}#SIM`, filter: { expression: 'contains(mnos, :mno)', names: {}, values: { ':mno': { S: mno } } } }, (eid) => simStream(tenant, eid))
  ).map((r) => r.id!.S!);


/** A tenant's alerts (each SIM's latest of each kind), newest first, by status, kind and EID. */
export const listAlerts = async (
  client: DynamoDBClient,
  table: string,
  tenant: string,
  q: { status?: string | undefined; kind?: string | undefined; eid?: string | undefined; limit: number; after?: string | undefined },
): Promise<z.output<typeof AlertPage>> => {
  const conditions: string[] = [];
  const values: Record<string, AttributeValue> = {};
  const names: Record<string, string> = {};
  if (q.kind !== undefined) (conditions.push('#kind = :kind'), (values[':kind'] = { S: q.kind }), (names['#kind'] = 'kind'));
  if (q.eid !== undefined) (conditions.push('eid = :eid'), (values[':eid'] = { S: q.eid }));
  const at = q.after === undefined ? undefined : parseAlertId(ALERT_SORT_KEY.exec(q.after)?.[2] ?? '');
  const { rows, next } = await queryRows(client, table, {
    list: `T#${tenant}#ALERT`,
    status: q.status,
    forward: false,
    limit: q.limit,
    after: at ? { sortKey: q.after!, pk: alertStream(tenant, at.subject, at.kind) } : undefined,
    filter: conditions.length ? { expression: conditions.join(' AND '), names, values } : undefined,
  });
  const items = rows.flatMap((r) => {
    const { state, version } = projectedOf<AlertState>(r);
    return state.latest ? [{ ...alertSummary(state.latest), version }] : [];
  });
  return page(items, next);
};
