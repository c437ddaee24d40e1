import { PolicyId } from '../../../domain/policy/identifiers.ts';
import type { HttpRequest } from '../http-handler.ts';
import { positiveInteger } from '../integers.ts';
import { validationProblem } from '../problem.ts';

export const policyParam = (request: HttpRequest) => {
  const id = PolicyId.safeParse(request.pathParameters?.policyId);
  if (!id.success) throw validationProblem(id.error, '/path/policyId');
  return id.data;
};

/** A published version: a canonical positive integer (`1`, never `1.0`, `01` or `+1`). */
const Version = positiveInteger();

export const versionParam = (request: HttpRequest) => {
  const version = Version.safeParse(request.pathParameters?.version);
  if (!version.success) throw validationProblem(version.error, '/path/version');
  return version.data;
};
