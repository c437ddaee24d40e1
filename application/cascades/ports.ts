import type { EventStore } from '../../domain/event-store.ts';
import type { MnoAccess } from '../../domain/mno/events.ts';
import type { MnoGateway } from '../ports/mno-gateway.ts';

/** What the cascade's steps reach the outside through: the event store, the MNOs' CMPs, the clock, and the metrics. */
export interface CascadePorts {
  store: EventStore;
  /** The gateway to an MNO's CMP, by its registration (API style, endpoint, credentials reference). */
  gateway(registration: MnoAccess): Promise<MnoGateway>;
  /** Takes one call from the MNO's budget this second (its `rateLimitPerSecond`), or throws MnoRateLimited. */
  admit(registration: MnoAccess): Promise<void>;
  /** The region commits are recorded in. */
  region: string;
  /** Now, as an RFC 3339 time. */
  now(): string;
  /** One failed attempt at an MNO (it may be retried), and a target given up on. */
  countApplyError(mno: string): void;
  countApplyFailure(mno: string): void;
}
