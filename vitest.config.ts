import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit` (test/**\/*.spec.ts): the domain and process specs, the handlers and the
 * application on the in-memory event store, the CMP adapters against recorded payloads, the local
 * emulators' pure parts: no Java, no local runtime, seconds (`npm run test:unit`). `integration`
 * (test/**\/*.test.ts): the event store and read models on one DynamoDB Local started for the run,
 * workflows on the local Step Functions engine, CDK synthesis and cdk-nag, and the whole runtime
 * over HTTP. `npm test` runs both.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
    testTimeout: 90_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.spec.ts'], setupFiles: ['test/support/unit-env.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], globalSetup: ['test/support/dynamodb-local.global.ts'], setupFiles: ['test/support/aws-env.ts'] },
      },
    ],
  },
});
