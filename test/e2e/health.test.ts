import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { startRuntime } from '../../infra/local/runtime.ts';

it('GET /health is 200 while DynamoDB, the engine and the bus answer and 503 once one is gone; commands then get 503, not 500', async () => {
  const dynamo = await startDynamoDbLocal();
  const runtime = await startRuntime({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'switchboard-health-')), dynamodbEndpoint: dynamo.endpoint });
  try {
    const up = await fetch(`${runtime.url}/health`);
    expect(up.status).toBe(200);
    // Deep: the workflow engine and the bus are asked too; one that does not answer makes the region unhealthy (Route 53 fails it over).
    runtime.bus.server.closeAllConnections();
    await new Promise((ok) => runtime.bus.server.close(ok));
    // The last answer is kept 5 s (the checkers call often): the next one after that sees the bus gone.
    await new Promise((ok) => setTimeout(ok, 5_100));
    const noBus = await fetch(`${runtime.url}/health`);
    expect(noBus.status).toBe(503);
    expect(((await noBus.json()) as { detail: string }).detail).toBe('does not answer: bus');
    const token = await runtime.issuer.sign({ subject: 'ops', scopes: ['platform:admin'] });
    await dynamo.stop();
    const command = await fetch(`${runtime.url}/v1/enterprises`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'acme', name: 'Acme' }),
    });
    expect(command.status).toBe(503);
    await new Promise((ok) => setTimeout(ok, 5_100));
    const down = await fetch(`${runtime.url}/health`);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toBe('application/problem+json');
    expect(down.headers.get('retry-after')).toBeTruthy();
  } finally {
    await runtime.stop();
    await dynamo.stop();
  }
});
