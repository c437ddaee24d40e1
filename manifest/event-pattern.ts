/**
 * EventBridge event patterns, as the rules (manifest/rules.ts) are written in them. The local bus
 * matches them (infra/local/event-bus/pattern.ts); docs/event-patterns.md lists what is supported.
 */

type Scalar = string | number | boolean | null;
type Text = string | { readonly 'equals-ignore-case': string };

/** One condition in a field's array of alternatives. */
export type PatternCondition =
  | Scalar
  | { readonly prefix: Text }
  | { readonly suffix: Text }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | {
      readonly 'anything-but':
        | string
        | number
        | readonly string[]
        | readonly number[]
        | { readonly prefix: string }
        | { readonly suffix: string }
        | { readonly 'equals-ignore-case': string | readonly string[] }
        | { readonly wildcard: string | readonly string[] };
    };

/** Fields map to alternatives (OR) or to nested patterns; all fields must match (AND); `$or` takes patterns. */
export interface EventPattern {
  readonly [field: string]: readonly PatternCondition[] | EventPattern | readonly EventPattern[];
}
