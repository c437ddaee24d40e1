import { describe, expect, it } from 'vitest';
import { executePackage, executePsmo, type EuiccState } from '../../domain/euicc/euicc.ts';
import { EuiccPackage } from '../../domain/euicc/package.ts';
import { eid, iccid } from '../support/ids.ts';

/** The eUICC's rules (domain/euicc/euicc.ts), given its profiles, when a PSMO or a package arrives, then what it holds and answers. */
const EID = eid(1);
const [A, B, C] = [iccid(1), iccid(2), iccid(3)];
const euicc = (over: Partial<EuiccState> = {}): EuiccState => ({
  eid: EID,
  counter: 4,
  profiles: [
    { iccid: A, state: 'enabled', fallback: false },
    { iccid: B, state: 'disabled', fallback: true },
    { iccid: C, state: 'disabled', fallback: false },
  ],
  ...over,
});
const everything = () => true;
const nothing = () => false;
const states = (e: EuiccState) => Object.fromEntries(e.profiles.map((p) => [p.iccid, `${p.state}${p.fallback ? '+fallback' : ''}`]));
const pkg = (counter: number, psmos: EuiccPackage['psmos'], over: Partial<EuiccPackage> = {}): EuiccPackage => ({ eimId: 'switchboard', eid: EID, counter, transactionId: '0a', psmos, ...over });

describe('a PSMO on the eUICC', () => {
  it('given A enabled, when B is enabled, then B is enabled and A disabled: one enabled profile at a time', () => {
    const { euicc: after, outcome } = executePsmo(euicc(), { op: 'enable', iccid: B }, everything);
    expect(outcome).toBe('ok');
    expect(states(after)).toEqual({ [A]: 'disabled', [B]: 'enabled+fallback', [C]: 'disabled' });
  });

  it('given B cannot attach, when B is enabled with rollback, then A stays enabled and the outcome says rolled back', () => {
    const { euicc: after, outcome } = executePsmo(euicc(), { op: 'enable', iccid: B, rollback: true }, nothing);
    expect(outcome).toBe('rolled-back');
    expect(states(after)).toEqual(states(euicc()));
  });

  it('given an enabled or unknown profile, when it is enabled, then it is refused and nothing changes', () => {
    expect(executePsmo(euicc(), { op: 'enable', iccid: A }, everything)).toEqual({ euicc: euicc(), outcome: 'profile-not-in-disabled-state' });
    expect(executePsmo(euicc(), { op: 'enable', iccid: iccid(9) }, everything)).toEqual({ euicc: euicc(), outcome: 'iccid-not-found' });
  });

  it('given the enabled profile, when it is disabled or deleted, then it is refused: the device would be left with no connectivity', () => {
    expect(executePsmo(euicc(), { op: 'disable', iccid: A }, everything).outcome).toBe('disallowed-by-policy');
    expect(executePsmo(euicc(), { op: 'disable', iccid: B }, everything).outcome).toBe('profile-not-in-enabled-state');
    expect(executePsmo(euicc(), { op: 'delete', iccid: A }, everything).outcome).toBe('profile-not-in-disabled-state');
  });

  it('given a disabled profile, when it is deleted, then it is gone', () => {
    const { euicc: after, outcome } = executePsmo(euicc(), { op: 'delete', iccid: C }, everything);
    expect(outcome).toBe('ok');
    expect(after.profiles.map((p) => p.iccid)).toEqual([A, B]);
  });

  it('given B carries the fallback attribute, when C is given it, then only C has it; unset takes it away', () => {
    const { euicc: after } = executePsmo(euicc(), { op: 'setFallbackAttribute', iccid: C }, everything);
    expect(states(after)).toEqual({ [A]: 'enabled', [B]: 'disabled', [C]: 'disabled+fallback' });
    expect(states(executePsmo(after, { op: 'unsetFallbackAttribute', iccid: C }, everything).euicc)).toEqual({ [A]: 'enabled', [B]: 'disabled', [C]: 'disabled' });
  });
});

describe('a package on the eUICC', () => {
  it('given the last counter 4, when package 5 arrives, then each PSMO runs in order and the counter is kept', () => {
    const out = executePackage(euicc(), pkg(5, [{ op: 'enable', iccid: C }, { op: 'setFallbackAttribute', iccid: A }]), everything);
    expect('results' in out && out.results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(out.euicc.counter).toBe(5);
    expect(states(out.euicc)).toEqual({ [A]: 'disabled+fallback', [B]: 'disabled', [C]: 'enabled' });
  });

  it('given the last counter 4, when package 4 (a replay) or 3 (overtaken) arrives, then it is refused whole and nothing changes', () => {
    for (const counter of [4, 3]) expect(executePackage(euicc(), pkg(counter, [{ op: 'enable', iccid: B }]), everything)).toEqual({ euicc: euicc(), refused: 'replay' });
  });

  it('given another eUICC’s EID, then it is refused whole', () => {
    expect(executePackage(euicc(), pkg(5, [{ op: 'enable', iccid: B }], { eid: eid(2) }), everything)).toEqual({ euicc: euicc(), refused: 'invalid-eid' });
  });

  it('a package is what the schema says: at least one PSMO, a positive counter, hex transaction id', () => {
    expect(EuiccPackage.safeParse(pkg(0, [{ op: 'enable', iccid: B }])).success).toBe(false);
    expect(EuiccPackage.safeParse(pkg(1, [])).success).toBe(false);
    expect(EuiccPackage.safeParse(pkg(1, [{ op: 'enable', iccid: B }], { transactionId: 'xyz' })).success).toBe(false);
    expect(EuiccPackage.safeParse(pkg(1, [{ op: 'enable', iccid: B }])).success).toBe(true);
  });
});
