import { writeFileSync } from 'node:fs';
import { openApiText } from '../../functions/http/openapi/text.ts';

/** `npm run openapi`: writes docs/openapi.json, which GET /v1/openapi.json serves (a test fails when it is stale). */
writeFileSync(new URL('../../docs/openapi.json', import.meta.url), openApiText());
console.log('wrote docs/openapi.json');
