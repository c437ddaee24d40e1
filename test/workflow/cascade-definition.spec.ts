import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CASCADE_DEFINITION, CASCADE_TASKS, substitute } from '../../manifest/cascade-workflow.ts';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText(sep?: string): string };

const statesOf = (definition: { States: Record<string, any> }): [string, any][] =>
  Object.entries(definition.States).flatMap(([name, state]) => [[name, state], ...(state.ItemProcessor ? statesOf(state.ItemProcessor) : [])]);

describe('the cascade definition (one ASL file for CDK and the local engine)', () => {
  it('waits patiently, first, when an MNO’s rate budget is spent: no attempt is used up', () => {
    for (const name of ['ApplyToMno', 'PollJob', 'VerifyOnMno']) {
      const [, state] = statesOf(CASCADE_DEFINITION).find(([n]) => n === name)!;
      expect(state.Retry[0], name).toMatchObject({ ErrorEquals: ['MnoRateLimited'], MaxAttempts: 25 });
    }
  });

  const arns = Object.fromEntries(Object.values(CASCADE_TASKS).map((t) => [t.substitution, `arn:aws:lambda:eu-west-1:123456789012:function:${t.entry.replace('.ts', '')}`]));

  it('is valid ASL once its substitutions are filled in', () => {
    const result = aslValidator(substitute(arns));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
  });

  it('uses JSONPath only (no JSONata, no Assign), which the local engine runs as AWS does', () => {
    const text = JSON.stringify(CASCADE_DEFINITION);
    expect(text).not.toMatch(/"QueryLanguage"|"Assign"|\{%/);
  });

  it('has a handler for every Task state, and a substitution for every handler', () => {
    const tasks = statesOf(CASCADE_DEFINITION).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(Object.keys(CASCADE_TASKS).sort());
    for (const [name, state] of tasks) expect(state.Resource).toBe(`\${${CASCADE_TASKS[name as keyof typeof CASCADE_TASKS].substitution}}`);
    expect(JSON.stringify(substitute(arns))).not.toContain('${');
  });

  it('retries transient MNO errors with capped, jittered exponential backoff, and permanent ones never', () => {
    for (const name of ['ApplyToMno', 'PollJob', 'VerifyOnMno']) {
      const [, state] = statesOf(CASCADE_DEFINITION).find(([n]) => n === name)!;
      expect(state.Retry[1]).toEqual({ ErrorEquals: ['MnoPermanentError'], MaxAttempts: 0 });
      expect(state.Retry[2]).toMatchObject({ ErrorEquals: expect.arrayContaining(['MnoTransientError']), BackoffRate: 2, JitterStrategy: 'FULL', MaxDelaySeconds: 20 });
      expect(state.Catch[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' });
    }
  });

  it('maps over the MNOs with bounded concurrency', () => {
    expect(CASCADE_DEFINITION.States.ApplyToEachMno).toMatchObject({ Type: 'Map', MaxConcurrency: 40 });
  });
});
