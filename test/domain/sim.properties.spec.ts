import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../domain/decider.ts';
import { DomainError } from '../../domain/errors.ts';
import type { SimCommand } from '../../domain/sim/commands.ts';
import { simDecider, type SimState } from '../../domain/sim/decider.ts';
import type { SimEvent } from '../../domain/sim/events.ts';
import { eid, iccid, imsi } from '../support/ids.ts';

const actor = fc.constantFrom('alice', 'bob', 'carol');
const command: fc.Arbitrary<SimCommand> = fc.oneof(
  actor.map((a): SimCommand => ({ type: 'RegisterSim', actor: a, allowedMnos: { 'mno-a': ['262-91'] }, eid: eid(7), profiles: [{ iccid: iccid(7), mno: 'mno-a', imsi: imsi(7), fallback: true }] })),
  fc.tuple(fc.constantFrom('ActivateSim', 'SuspendSim', 'ResumeSim', 'RequestTermination', 'CancelTermination', 'ApproveTermination'), actor).map(
    ([type, a]) => ({ type, actor: a }) as SimCommand,
  ),
);

/** Runs commands as the handlers do: refused commands change nothing, accepted ones append. */
const run = (commands: SimCommand[]) => {
  const log: SimEvent[] = [];
  const states: SimState[] = [];
  let state = simDecider.initialState;
  for (const c of commands) {
    let events: SimEvent[] = [];
    try {
      events = simDecider.decide(c, state);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
    }
    log.push(...events);
    state = fold(simDecider, state, events);
    states.push(state);
  }
  return { log, state, states };
};

describe('Sim decider properties', () => {
  it('replaying the event log reproduces the state', () =>
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { log, state } = run(commands);
        expect(fold(simDecider, simDecider.initialState, log)).toEqual(state);
      }),
    ));

  it('terminated is final: nothing is ever appended after SimTerminated', () =>
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { log } = run(commands);
        const i = log.findIndex((e) => e.type === 'SimTerminated');
        if (i >= 0) expect(log.slice(i + 1)).toEqual([]);
      }),
    ));

  it('every termination was approved by someone other than its requester', () =>
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        for (const e of run(commands).log) if (e.type === 'SimTerminated') expect(e.data.approvedBy).not.toBe(e.data.requestedBy);
      }),
    ));

  it('a command that just succeeded is satisfied: deciding it again appends nothing (or is refused)', () =>
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), command, (commands, again) => {
        if (again.type === 'ApproveTermination' || again.type === 'RegisterSim') return;
        const { state } = run([...commands, again]);
        let events: SimEvent[] = [];
        try {
          events = simDecider.decide(again, state);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
        }
        expect(events).toEqual([]);
      }),
    ));

  it('the lifecycle only moves along inventory → active ⇄ suspended → terminated', () => {
    const allowed = new Set(['unregistered>inventory', 'inventory>active', 'active>suspended', 'suspended>active', 'suspended>terminated', 'inventory>terminated']);
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const { states } = run(commands);
        let previous: string = 'unregistered';
        for (const s of states) {
          if (s.status !== previous) expect(allowed.has(`${previous}>${s.status}`), `${previous}>${s.status}`).toBe(true);
          previous = s.status;
        }
      }),
    );
  });
});
