import { StepFunctionsError } from './engine.ts';

export interface PageRequest {
  maxResults?: number | undefined;
  nextToken?: string | undefined;
}

/**
 * One page of `items` (already in answer order), AWS style: `maxResults` 0 or absent is 100, at
 * most 1000; `nextToken` names the last item returned (and what was listed), so a page stays
 * right when items are added elsewhere in the order meanwhile. A foreign or garbled token is
 * InvalidToken, as in AWS.
 */
export const page = <T>(items: readonly T[], key: (item: T) => string, request: PageRequest, scope: string) => {
  const max = request.maxResults ?? 0;
  if (!Number.isInteger(max) || max < 0 || max > 1000) {
    throw new StepFunctionsError('ValidationException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  const size = max || 100;
  let start = 0;
  if (request.nextToken) {
    let cursor: { s?: string; k?: string } = {};
    try {
      cursor = JSON.parse(Buffer.from(request.nextToken, 'base64url').toString());
    } catch {
      /* garbled: refused below */
    }
    const at = cursor.s === scope ? items.findIndex((item) => key(item) === cursor.k) : -1;
    if (at < 0) throw new StepFunctionsError('InvalidToken', `Invalid Token: '${request.nextToken}'`);
    start = at + 1;
  }
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  const nextToken = more ? Buffer.from(JSON.stringify({ s: scope, k: key(slice.at(-1)!) })).toString('base64url') : undefined;
  return { items: slice, nextToken };
};
