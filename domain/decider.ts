import type { EventSchemas } from './events.ts';

/** An aggregate as a pure decider: no I/O, no clock (time, if needed, comes in the command). */
export interface Decider<Command, Event, State> {
  /** What its stream may hold: every event read from it is read against these (domain/events.ts). */
  readonly events: EventSchemas;
  readonly initialState: State;
  /** The events a command produces on a state; an empty list when the command is already satisfied. Throws DomainError. */
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

export const fold = <E, S>(decider: Pick<Decider<unknown, E, S>, 'evolve'>, state: S, events: readonly E[]): S =>
  events.reduce((s, e) => decider.evolve(s, e), state);
