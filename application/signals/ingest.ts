import { Signal } from '../../domain/signals/signals.ts';

/** A record refused at the edge: where it is in the batch, and why (its field paths and messages, never its values). */
export interface RefusedRecord {
  index: number;
  error: string;
}

/**
 * A batch's records as signals: each read in the MNO's format (`toSignal`, which throws on a record
 * of another shape) and then against the domain's schema. A bad record is refused and named; the
 * others go on.
 */
export const readRecords = (records: readonly unknown[], toSignal: (record: unknown) => unknown) => {
  const signals: Signal[] = [];
  const refused: RefusedRecord[] = [];
  records.forEach((record, index) => {
    let candidate: unknown;
    try {
      candidate = toSignal(record);
    } catch (error) {
      return refused.push({ index, error: (error as Error).message });
    }
    const parsed = Signal.safeParse(candidate);
    if (parsed.success) signals.push(parsed.data);
    else refused.push({ index, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ') });
  });
  return { signals, refused };
};
