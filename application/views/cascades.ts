import type { CascadeState } from '../../domain/cascade/decider.ts';
import type * as z from '../../domain/zod-mini.ts';
import type { Cascade } from './cascades.schema.ts';

/** A cascade as the API shows it: overall status and, per target MNO, how far it got. */
export const cascadeView = (state: CascadeState, version: number): z.output<typeof Cascade> | undefined =>
  state.status === 'none'
    ? undefined
    : {
        id: state.cascadeId,
        status: state.status,
        subject: state.subject,
        startedBy: state.startedBy ?? null,
        round: state.round,
        targets: state.targets.map((t) => ({
          mno: t.mno,
          status: t.status,
          attempts: t.attempts,
          lastError: t.lastError ?? null,
          appliedAt: t.appliedAt ?? null,
          verifiedAt: t.verifiedAt ?? null,
        })),
        version,
      };
