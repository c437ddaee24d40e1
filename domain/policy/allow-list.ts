import type * as z from '../zod-mini.ts';

/** How a later entry of an allow-list relates to an earlier one: the same, overlapping, or neither. */
export type Relation = 'duplicates' | 'overlaps' | undefined;

/**
 * A check for one allow-list: each entry that duplicates or overlaps an earlier entry is an issue
 * at that entry's path (`…/apns/3`), naming the earlier one. Entries that do not parse (their own
 * issue is already reported) are skipped. Quadratic, so lists have a max length.
 */
export const noOverlaps =
  <T, K>(key: (entry: T) => K | undefined, relate: (later: K, earlier: K) => Relation, show: (entry: T) => string = String) =>
  (entries: T[], ctx: z.core.$RefinementCtx<T[]>): void => {
    const keys = entries.map(key);
    keys.forEach((later, j) => {
      for (let i = 0; later !== undefined && i < j; i++) {
        const earlier = keys[i];
        const relation = earlier === undefined ? undefined : relate(later, earlier);
        if (!relation) continue;
        ctx.addIssue({ code: 'custom', path: [j], message: `${show(entries[j] as T)} ${relation} entry ${i} (${show(entries[i] as T)})` });
        return;
      }
    });
  };

/** For lists whose entries can only be equal or distinct (countries, PLMNs, APNs). */
export const equalMeansDuplicate = <K>(later: K, earlier: K): Relation => (later === earlier ? 'duplicates' : undefined);
