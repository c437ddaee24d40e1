/**
 * The lists' cursors: the sort key a page ended at, base64url, and the shape each list's keys
 * have (what a cursor given back must decode to). Apart from the queries, so that a request schema
 * reads a cursor without bundling the DynamoDB queries.
 */

/** A cascade's sort key: `<startedAt>#<cascade id>`. */
export const CASCADE_SORT_KEY = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)#([A-Za-z0-9_-]{1,80})$/;
/** A bulk operation's sort key: `<startedAt>#<bulk id>`. */
export const BULK_SORT_KEY = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)#(bulk-[a-z0-9]{8,40})$/;
/** An alert's sort key: `<raised at>#<alert id>`. */
export const ALERT_SORT_KEY = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)#(alert-[a-z0-9.-]+)$/;
export const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url');
export const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString();
