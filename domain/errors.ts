/**
 * A command refused by the domain. `kind` says how a caller should read it; `code` names the rule.
 * Messages never carry secrets or another tenant's data.
 */
export type DomainErrorKind = 'conflict' | 'forbidden' | 'not-found' | 'invalid';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
