/**
 * The API, read through the console's own origin with the pasted token. The token lives in this
 * module and in the tab's sessionStorage: never in a URL, a cookie or localStorage.
 */
const KEY = 'switchboard-console-token';
let token = sessionStorage.getItem(KEY) ?? '';

export const hasToken = () => token !== '';

export const setToken = (value) => {
  token = value.trim().replace(/^Bearer\s+/i, '');
  sessionStorage.setItem(KEY, token);
};

export const forgetToken = () => {
  token = '';
  sessionStorage.removeItem(KEY);
};

/** The problem the API answered, in words: its title and detail, as it gave them. */
export const problemText = (answer) => {
  const body = answer.body;
  if (body && typeof body === 'object' && typeof body.title === 'string') return `${body.title} (${answer.status})${body.detail ? `: ${body.detail}` : ''}`;
  if (answer.status === 0) return 'the console’s server did not answer';
  return `HTTP ${answer.status}`;
};

/** GET `path`: `{ ok, status, body }`, the body parsed when it is JSON; never throws. */
export const get = async (path) => {
  try {
    const response = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, cache: 'no-store' });
    const text = await response.text();
    let body = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { ok: response.ok, status: response.status, body };
  } catch {
    return { ok: false, status: 0, body: undefined };
  }
};
