/**
 * The options of every DynamoDB client the handlers use (functions/lambda/wiring.ts; the bench's
 * floors mirror them). `cacheMiddleware`: the SDK resolves each command class's middleware stack
 * once instead of on every call (a CPU profile of a SIM command showed most of its synchronous time
 * there); nothing here changes a client's middleware after its first request.
 */
export const DYNAMODB_CLIENT_OPTIONS = { maxAttempts: 3, cacheMiddleware: true } as const;
