import { describe, expect, it } from 'vitest';
import { BulkRequest } from '../../domain/bulk/request.ts';
import { validationProblem } from '../../functions/http/problem.ts';

/** A 400 says what is wrong with the value, also when it fits none of a union's shapes (found by trying the API as a new user). */
const errorsOf = (body: unknown) => {
  const parsed = BulkRequest.safeParse(body);
  if (parsed.success) throw new Error('expected a refusal');
  return (validationProblem(parsed.error) as unknown as { errors: { path: string; message: string }[] }).errors;
};

describe('validation problems', () => {
  it('explain a selector by the shape it came closest to, not by “Invalid input”', () => {
    expect(errorsOf({ action: 'suspend', selector: { eids: [] } })).toEqual([{ path: '/selector/eids', message: expect.stringMatching(/>=1 items/) }]);
    expect(errorsOf({ action: 'suspend', selector: { eids: ['123'] } })).toEqual([{ path: '/selector/eids/0', message: expect.stringContaining('EID') }]);
    expect(errorsOf({ action: 'suspend', selector: { eids: ['8904903200000000000000000000016'.padEnd(32, '3')], state: 'active' } })[0]).toMatchObject({ path: '/selector', message: expect.stringContaining('state') });
    expect(errorsOf({ action: 'suspend' })).toEqual([{ path: '/selector', message: expect.stringMatching(/expected object/) }]);
  });
});
