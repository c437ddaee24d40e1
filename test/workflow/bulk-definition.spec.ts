import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BULK_DEFINITION, BULK_TASKS } from '../../manifest/bulk-workflow.ts';
import { substitute } from '../../manifest/cascade-workflow.ts';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText(sep?: string): string };

/** The bulk operations' ASL, as CDK deploys it and the local engine runs it. */
describe('the bulk state machine definition', () => {
  const arns = Object.fromEntries(Object.values(BULK_TASKS).map((t) => [t.substitution, `arn:aws:lambda:eu-west-1:123456789012:function:${t.entry.replace('.ts', '')}`]));
  it('is valid ASL once its task resources are substituted, each by its own function', () => {
    const result = aslValidator(substitute(arns, BULK_DEFINITION));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    expect(JSON.stringify(substitute(arns, BULK_DEFINITION))).not.toContain('${');
  });
  it('runs the chunks as a Distributed Map with bounded concurrency and a tolerated failure threshold, each child’s output kept small', () => {
    const map = BULK_DEFINITION.States.ProcessChunks;
    expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: 10, ToleratedFailurePercentage: 5, ResultPath: null, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' } } });
    expect(map.ItemProcessor.States.ChunkDone).toEqual(expect.objectContaining({ Type: 'Pass', Result: {}, End: true }));
  });
  it('completes the operation whatever fails: every failing state is caught into CompleteBulk, which retries', () => {
    for (const name of ['SelectSims', 'ProcessChunks'] as const) expect(BULK_DEFINITION.States[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CompleteBulk' }]);
    expect(BULK_DEFINITION.States.CompleteBulk.Retry[0]!.MaxAttempts).toBeGreaterThanOrEqual(5);
  });
});

describe('the bulk tasks’ timeouts', () => {
  it('each function times out with its state, and a chunk’s attempts fit an Express child’s five minutes', async () => {
    const { BULK_TASK_ENTRY_POINTS } = await import('../../manifest/entry-points.ts');
    const states = { SelectSims: BULK_DEFINITION.States.SelectSims, CompleteBulk: BULK_DEFINITION.States.CompleteBulk, ProcessChunk: BULK_DEFINITION.States.ProcessChunks.ItemProcessor.States.ProcessChunk } as Record<string, { TimeoutSeconds: number }>;
    for (const entry of BULK_TASK_ENTRY_POINTS) expect(entry.timeoutSeconds, entry.id).toBe(states[(entry.trigger as { task: string }).task]!.TimeoutSeconds);
    const chunk = BULK_DEFINITION.States.ProcessChunks.ItemProcessor.States.ProcessChunk;
    const retry = chunk.Retry[0]!;
    const pauses = Array.from({ length: retry.MaxAttempts }, (_, i) => Math.min(retry.MaxDelaySeconds, retry.IntervalSeconds * retry.BackoffRate ** i));
    expect((retry.MaxAttempts + 1) * chunk.TimeoutSeconds + pauses.reduce((a, b) => a + b, 0)).toBeLessThan(300);
  });
});
