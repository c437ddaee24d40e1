import { forgetToken, get, hasToken, problemText, setToken } from './api.js';
import { show } from './dom.js';
import * as panels from './panels.js';

/**
 * The console's loop: while a token is set, read the API every two seconds (paused while the tab
 * is hidden) and draw what it says. Only GETs: nothing here can change state. A panel the API
 * refuses shows the API's own problem text; so does the status line when every read is refused.
 */
const $ = (id) => document.getElementById(id);
const EVERY_MS = 2000;
let timer;
let eid = '';

const status = (text) => {
  if ($('status').textContent !== text) $('status').textContent = text;
};

const items = (answer) => (answer.ok ? (Array.isArray(answer.body) ? answer.body : answer.body.items) : undefined);

/** Draws one panel from an answer, or the problem it was. */
const panel = (id, answer, draw) => show($(id), answer.ok ? draw(items(answer)) : panels.trouble(problemText(answer)));

const refresh = async (current) => {
  const [mnos, cascades, bulk, alerts] = await Promise.all([get('/v1/mnos'), get('/v1/cascades?limit=10'), get('/v1/bulk-operations?limit=10'), get('/v1/alerts?status=open&limit=50')]);
  if (!current()) return;
  const all = [mnos, cascades, bulk, alerts];
  const refused = all.filter((a) => !a.ok);
  if (refused.length === all.length) status(`The API refused the token: ${problemText(refused[0])}`);
  else status(`Connected · updated ${new Date().toLocaleTimeString()}${refused.length ? ` · ${refused.length} of ${all.length} panels refused: ${problemText(refused[0])}` : ''}`);

  // Per-SIM progress: the items of the operations still running, and of the latest one.
  const operations = items(bulk) ?? [];
  const shown = operations.filter((op, i) => op.status === 'running' || i === 0).slice(0, 5);
  const details = new Map();
  for (const [op, answer] of await Promise.all(shown.map(async (op) => [op, await get(`/v1/bulk-operations/${encodeURIComponent(op.id)}?limit=20`)]))) {
    if (answer.ok) details.set(op.id, answer.body);
  }
  if (!current()) return;

  show($('counts'), panels.counts({ mnos: items(mnos), cascades: items(cascades), bulk: operations, alerts: items(alerts) }));
  panel('mnos', mnos, panels.mnos);
  panel('cascades', cascades, panels.cascades);
  panel('bulk', bulk, (list) => panels.bulk(list, details));
  show($('fallback'), mnos.ok && bulk.ok ? panels.fallback(items(mnos), operations, details) : panels.trouble(problemText(mnos.ok ? bulk : mnos)));
  panel('alerts', alerts, panels.alerts);
  if (eid) await drawSim();
};

const drawSim = async () => {
  const [sim, events] = await Promise.all([get(`/v1/sims/${eid}`), get(`/v1/sims/${eid}/events?limit=100`)]);
  if (!sim.ok) return show($('sim'), panels.trouble(problemText(sim)));
  if (!events.ok) return show($('sim'), panels.trouble(problemText(events)));
  show($('sim'), panels.sim(sim.body, events.body.items));
};

/** Bumped when the token is forgotten: a refresh begun before draws nothing after. */
let generation = 0;

const loop = async () => {
  clearTimeout(timer);
  if (!hasToken()) return;
  const mine = generation;
  try {
    if (!document.hidden) await refresh(() => mine === generation);
  } catch (error) {
    status(`The console failed to draw: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    if (mine === generation && hasToken()) timer = setTimeout(loop, EVERY_MS);
  }
};

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  generation += 1;
  setToken($('token').value);
  $('token').value = '';
  status('Connecting…');
  void loop();
});

$('forget').addEventListener('click', () => {
  generation += 1;
  forgetToken();
  clearTimeout(timer);
  for (const id of ['counts', 'mnos', 'fallback', 'cascades', 'bulk', 'alerts', 'sim']) show($(id));
  status('Not connected: the token is forgotten.');
});

$('sim-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!$('eid').checkValidity()) return;
  eid = $('eid').value;
  void drawSim();
});

document.addEventListener('visibilitychange', () => void (!document.hidden && loop()));
if (hasToken()) void loop();
