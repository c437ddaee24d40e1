/** The floor of the bundle figures (bench/bundles.ts): a handler that imports nothing and does nothing. */
export const handler = async () => ({});
