import { bar, h, table, time } from './dom.js';

/** A status as a word with a colour class (the word carries the meaning; the colour only helps). */
const badge = (status) => h('span', { class: `badge ${String(status).replace(/[^a-z-]/g, '')}` }, status);

/** The problem an answer was, for a panel that could not be read. */
export const trouble = (text) => h('p', { class: 'problem', role: 'alert' }, text);

const empty = (what) => h('p', { class: 'muted' }, what);

/** The counts people look at first. */
export const counts = ({ mnos, cascades, bulk, alerts }) => {
  const tile = (value, label) => h('li', {}, h('span', { class: 'count' }, value ?? '–'), h('span', {}, label));
  const available = mnos?.filter((m) => m.available).length;
  return [
    tile(mnos && `${available}/${mnos.length}`, 'MNOs available'),
    tile(mnos?.filter((m) => m.outage).length, 'MNOs in outage'),
    tile(cascades?.filter((c) => c.status === 'running').length, 'cascades running'),
    tile(bulk?.filter((b) => b.status === 'running').length, 'bulk operations running'),
    tile(alerts?.length, 'open alerts'),
  ];
};

export const mnos = (list) =>
  list.length === 0
    ? empty('No MNO is registered.')
    : table(
        'MNOs, their status and health',
        ['MNO', 'Status', 'Takes work', 'Health'],
        list.map((m) => [
          h('span', {}, h('strong', {}, m.name), ' ', h('span', { class: 'muted' }, m.id)),
          badge(m.status),
          m.available ? 'yes' : 'no',
          m.outage ? `outage${m.outage.detectedBy ? ' (seen by the health probe)' : ''}: ${m.outage.reason}` : m.probeFailingSince ? h('span', {}, 'probe failing since ', time(m.probeFailingSince)) : 'answering',
        ]),
      );

const STEP = { pending: 0, applying: 1, applied: 2, verified: 3, failed: 3, skipped: 3, superseded: 3 };

const subjectOf = (subject) =>
  subject.kind === 'policy' ? `policy ${subject.policyId} v${subject.version}` : `SIM ${subject.eid} → ${subject.state}${subject.iccid ? ` (profile ${subject.iccid})` : ''}`;

/** Each cascade with a bar per MNO: pending → applying → applied → verified. */
export const cascades = (list) =>
  list.length === 0
    ? empty('No cascade yet.')
    : h(
        'ul',
        { class: 'cards' },
        list.map((c) => {
          const done = c.targets.filter((t) => t.status === 'verified').length;
          return h(
            'li',
            { class: 'card', 'data-cascade': c.id },
            h('h3', {}, subjectOf(c.subject), ' ', badge(c.status)),
            h('p', { class: 'muted' }, `${c.id} · round ${c.round} · started `, time(c.startedAt), c.startedBy ? ` by ${c.startedBy}` : ''),
            bar(`cascade ${c.id}`, done, c.targets.length, `${done} of ${c.targets.length} MNOs verified`),
            table(
              `Progress per MNO of cascade ${c.id}`,
              ['MNO', 'Progress', 'Attempts', 'Last error'],
              c.targets.map((t) => [t.mno, bar(`${t.mno}`, STEP[t.status] ?? 0, 3, t.status), String(t.attempts), t.lastError ?? '']),
            ),
          );
        }),
      );

const done = (counts) => counts.succeeded + counts.failed + counts.skipped;

/** A bulk operation with its bar, and its SIMs when its page was read. */
const bulkCard = (op, detail) => {
  const total = detail?.counts.total ?? op.total ?? 0;
  const finished = detail ? done(detail.counts) : op.counts ? done(op.counts) : 0;
  return h(
    'li',
    { class: 'card', 'data-bulk': op.id },
    h('h3', {}, `${op.action} `, badge(op.status)),
    h('p', { class: 'muted' }, `${op.id} · by ${op.startedBy} · started `, time(op.startedAt)),
    bar(`bulk operation ${op.id}`, finished, total, `${finished} of ${total} SIMs done`),
    detail && detail.items.length > 0
      ? table(
          `SIMs of ${op.id} (first ${detail.items.length})`,
          ['EID', 'Outcome', 'Why'],
          detail.items.map((i) => [i.eid, badge(i.outcome), i.reason ?? i.code ?? '']),
        )
      : null,
  );
};

export const bulk = (list, details) => (list.length === 0 ? empty('No bulk operation yet.') : h('ul', { class: 'cards' }, list.map((op) => bulkCard(op, details.get(op.id)))));

/** MNOs that cannot take work, and the fallback operations moving SIMs off them. */
export const fallback = (mnoList, list, details) => {
  const down = mnoList.filter((m) => !m.available);
  const moving = list.filter((op) => op.startedBy === 'switchboard:fallback' && op.status === 'running');
  if (down.length === 0 && moving.length === 0) return empty('Every MNO takes work; no fallback is running.');
  return [
    down.length ? h('p', {}, 'Not taking work: ', down.map((m) => m.name).join(', ')) : null,
    moving.length ? h('ul', { class: 'cards' }, moving.map((op) => bulkCard(op, details.get(op.id)))) : empty('No fallback operation is running.'),
  ];
};

export const alerts = (list) =>
  list.length === 0
    ? empty('No open alert.')
    : table(
        'Open alerts, newest first',
        ['Alert', 'SIM or policy', 'MNO', 'Seen', 'Response'],
        list.map((a) => [
          h('span', { 'data-alert': a.id }, h('strong', {}, a.kind), ' ', badge(a.status)),
          a.eid ?? a.policyId ?? '',
          a.mno,
          h('span', {}, `${a.count}× · last `, time(a.lastSeen)),
          `${a.response}${a.contained ? ' (contained)' : ''}`,
        ]),
      );

/** A SIM: desired against observed per MNO, its profiles, and its events on a timeline. */
export const sim = (s, events) => [
  h('p', {}, h('strong', {}, s.eid), ' desired state ', badge(s.state), s.quarantined ? ' (quarantined)' : '', s.containment ? ` · contained by ${s.containment.by}` : ''),
  table(
    'Desired and observed state per MNO',
    ['MNO', 'Desired', 'Observed', 'Agrees'],
    [...new Set(s.profiles.map((p) => p.mno))].map((mno) => {
      const observed = s.observed[mno];
      const enabled = s.profiles.some((p) => p.mno === mno && p.iccid === s.enabledProfile);
      const desired = enabled ? s.state : 'not in use';
      return [mno, desired, observed ?? 'not confirmed yet', !enabled ? '—' : observed === s.state ? 'yes' : 'not yet'];
    }),
  ),
  table(
    'Profiles',
    ['ICCID', 'MNO', 'State', 'Fallback'],
    s.profiles.map((p) => [p.iccid, p.mno, p.iccid === s.enabledProfile ? h('strong', {}, p.state) : p.state, p.fallback ? 'yes' : 'no']),
  ),
  h('h3', {}, 'Timeline'),
  h(
    'ol',
    { class: 'timeline', 'aria-label': `Events of SIM ${s.eid}, oldest first` },
    events.map((e) => h('li', {}, time(e.time), ' ', h('strong', {}, e.type), h('span', { class: 'muted' }, ` v${e.version} · ${e.actor}`))),
  ),
];
