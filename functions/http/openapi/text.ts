import { readFileSync } from 'node:fs';
import { openApiDocument } from './document.ts';

/** The document as docs/openapi.json holds it: what `npm run openapi` writes and the API serves. */
export const openApiText = () => {
  const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return JSON.stringify(openApiDocument(version), null, 2) + '\n';
};
