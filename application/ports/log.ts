/**
 * Where the application tells operators what they need to know (Powertools' Logger in Lambda and
 * locally). Fields carry references and codes, never a secret, token or activation code.
 */
export interface Log {
  warn(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}
