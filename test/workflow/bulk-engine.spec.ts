import { describe, expect, it } from 'vitest';
import { BULK_DEFINITION, BULK_TASKS } from '../../manifest/bulk-workflow.ts';
import { substitute } from '../../manifest/cascade-workflow.ts';
import { LocalStepFunctionsEngine } from '../../infra/local/step-functions/engine.ts';

/**
 * The bulk ASL on the local engine, as deployed (no transform): its path through a hold-down, a
 * selection that takes more than one invocation, the chunks, and — the one difference from AWS —
 * a chunk that fails after its retries: the local Map fails (it ignores ToleratedFailurePercentage),
 * and its Catch still completes the operation, with the error, for CompleteBulk to fail what did not run.
 */
const arns = Object.fromEntries(Object.values(BULK_TASKS).map((t) => [t.substitution, `arn:aws:lambda:local:000000000000:function:${t.entry}`]));
const run = async (failChunk?: number) => {
  const calls: { task: string; input: any }[] = [];
  let selections = 0;
  const engine = new LocalStepFunctionsEngine({ retryIntervalOverrides: { SelectSims: 1, ProcessChunk: 1, CompleteBulk: 1 }, waitTimeOverrides: { WaitUntilNotBefore: 1 } });
  const machine = engine.register('bulk', substitute(arns, BULK_DEFINITION), {
    SelectSims: async (input) => {
      calls.push({ task: 'SelectSims', input });
      selections++;
      return selections === 1 ? { done: false, total: 98, chunks: 1, cursor: 'x' } : { done: true, total: 250, chunks: [0, 1, 2] };
    },
    ProcessChunk: async (input: any) => {
      calls.push({ task: 'ProcessChunk', input });
      if (input.chunk === failChunk) throw Object.assign(new Error('DynamoDB unavailable'), { name: 'ServiceUnavailable' });
      return { chunk: input.chunk, recorded: true };
    },
    CompleteBulk: async (input) => {
      calls.push({ task: 'CompleteBulk', input });
      return { status: 'succeeded' };
    },
  });
  const execution = engine.start(machine.arn, 'bulk-0123456789-a0', JSON.stringify({ tenant: 'acme', bulkId: 'bulk-0123456789', attempt: 0, notBefore: new Date().toISOString() }));
  await execution.done;
  return { execution, calls };
};

describe('the bulk state machine on the local engine', () => {
  it('waits out its hold-down, selects until done (handing back where it stopped), runs each chunk with the operation’s ids, then completes', async () => {
    const { execution, calls } = await run();
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.task === 'SelectSims')[1]!.input.selection).toEqual({ done: false, total: 98, chunks: 1, cursor: 'x' });
    expect(calls.filter((c) => c.task === 'ProcessChunk').map((c) => c.input).sort((a, b) => a.chunk - b.chunk)).toEqual([0, 1, 2].map((chunk) => ({ tenant: 'acme', bulkId: 'bulk-0123456789', attempt: 0, chunk })));
    expect(calls.at(-1)).toMatchObject({ task: 'CompleteBulk', input: { tenant: 'acme', bulkId: 'bulk-0123456789' } });
    expect(calls.at(-1)!.input.error).toBeUndefined();
  });

  it('a chunk that fails after its retries: the operation is still completed, told why (the SIMs of chunks that did not run are failed there)', async () => {
    const { execution, calls } = await run(1);
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.task === 'ProcessChunk' && c.input.chunk === 1)).toHaveLength(1 + BULK_DEFINITION.States.ProcessChunks.ItemProcessor.States.ProcessChunk.Retry[0]!.MaxAttempts);
    expect(calls.at(-1)).toMatchObject({ task: 'CompleteBulk', input: { error: { Error: 'ServiceUnavailable' } } });
  });
});
