import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.{spec,test}.ts'],
    globalSetup: ['test/support/dynamodb-local.global.ts'],
    setupFiles: ['test/support/aws-env.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest/results.json' },
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
