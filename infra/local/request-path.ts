/**
 * A request's target as a URL, if it is a path (`/a?b`); undefined for an absolute-form or `//`
 * target, or one `new URL` cannot read (`GET http://[/`), which a local server answers 400 rather
 * than throw on (a throw in a request handler takes the whole runtime down).
 */
export const requestPath = (target: string | undefined): URL | undefined =>
  target?.startsWith('/') && !target.startsWith('//') && URL.canParse(target, 'http://localhost') ? new URL(target, 'http://localhost') : undefined;
