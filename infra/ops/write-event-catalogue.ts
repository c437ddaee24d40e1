import { writeFileSync } from 'node:fs';
import { eventSchemas } from '../../application/views/event-catalogue.ts';

/** `npm run catalogue`: writes docs/events/catalogue.json (a test fails when it is stale). */
writeFileSync(new URL('../../docs/events/catalogue.json', import.meta.url), JSON.stringify(eventSchemas(), null, 2) + '\n');
console.log('wrote docs/events/catalogue.json');
