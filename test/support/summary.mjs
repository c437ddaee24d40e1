// Prints the run's totals as one plain line ("N passed, N failed") for CI, from vitest's JSON report.
import { readFileSync } from 'node:fs';
const r = JSON.parse(readFileSync('.vitest/results.json', 'utf8'));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''));
