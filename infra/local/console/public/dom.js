/**
 * Elements built from data, never from HTML: every value the API returns becomes a text node, so
 * nothing it holds (a label, an alert's evidence, a problem's detail) can become markup or script.
 */
export const h = (tag, attributes = {}, ...children) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on/i.test(name) || name === 'style') throw new Error(`no ${name} attribute: handlers and styles are set in code`);
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
};

/** The container's content, replaced by these nodes. */
export const show = (container, ...nodes) => container.replaceChildren(...nodes.flat(Infinity).filter(Boolean));

/** A table with a caption, headers and rows of cells (strings or nodes). */
export const table = (caption, headers, rows) =>
  h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell))))),
  );

/** A progress bar with its label: `value` of `max`, said in words too. */
export const bar = (label, value, max, words) =>
  h('span', { class: 'bar' }, h('progress', { value, max: Math.max(max, 1), 'aria-label': `${label}: ${words}` }), h('span', { class: 'muted' }, words));

/** A short time of day from an RFC 3339 timestamp (the full one on hover). */
export const time = (iso) => (iso ? h('time', { datetime: iso, title: iso }, new Date(iso).toLocaleTimeString()) : '—');
