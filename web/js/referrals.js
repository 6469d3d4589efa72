// referrals: the referral list — filters by status, direction, partner,
// urgency, assignee (or the unassigned) and overdue, a table (patient,
// partner, direction, urgency, status, due, assignee, created) and cursor
// paging like the partner list. The filters live in
// the URL. Users who may list but not read referrals (liaisons) get the list
// without patient names (the API sends patient null) and no links into it.
import * as api from './api.js';
import { h, replace, setText, bdi } from './dom.js';
import { setTitle } from './i18n.js';
import {
  field, enumOptions, badge, enumText, overdueBadge, personName, dateTime, loadingState, emptyState, errorState,
  canListReferrals, canReadReferrals, canWriteReferrals, STATUSES, DIRECTIONS, URGENCIES, ASSIGNEE_ROLES,
} from './ui.js';
import { eligibleUsers } from './users.js';
import { PAGE_SIZE } from './partners.js';

// The "due" cell: the step, its time, and the red Overdue badge.
export function dueCell(due) {
  if (!due) return h('span', { class: 'muted', i18n: 'value.none' });
  return h('span', { class: ['due', due.overdue && 'is-overdue'] },
    h('span', { class: 'due-step', i18n: `step.${due.step}` }),
    dateTime(due.at),
    due.overdue && overdueBadge());
}

// A table of referral list items (docs/api.md "Lists and patients").
// opts.partner: show the partner column (default true).
export function referralTable(items, user, { partner = true, caption = 'referrals.table_caption' } = {}) {
  const reader = canReadReferrals(user);
  const cols = [['patient', 'referral.patient'], partner && ['partner', 'referral.partner'], ['direction', 'referral.direction'],
    ['urgency', 'referral.urgency'], ['status', 'referral.status'], ['due', 'referral.due'], ['assignee', 'assign.assignee'],
    ['created', 'referral.created_at']].filter(Boolean);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive referral-table' },
    h('caption', { class: 'visually-hidden', i18n: caption }),
    h('thead', {}, h('tr', {}, cols.map(([k, key]) => h('th', { scope: 'col', class: `col-${k}`, i18n: key })))),
    h('tbody', {}, items.map((r) => {
      const name = personName(r.patient);
      let who;
      if (reader) {
        who = h('a', { href: `/referrals/${r.id}` },
          name ? bdi(name) : h('span', { i18n: 'referral.number', vars: { id: String(r.id) } }));
      } else {
        who = h('span', { class: 'muted', i18n: 'referral.number', vars: { id: String(r.id) } });
      }
      return h('tr', { dataset: { id: String(r.id) } },
        h('th', { scope: 'row', class: 'col-patient', 'i18n-data-label': 'referral.patient' }, who),
        partner && h('td', { class: 'col-partner', 'i18n-data-label': 'referral.partner' },
          h('a', { href: `/partners/${r.partner_id}`, dir: 'auto', text: r.partner_name || `#${r.partner_id}` })),
        h('td', { class: 'col-direction', 'i18n-data-label': 'referral.direction' }, enumText('direction', r.direction)),
        h('td', { class: 'col-urgency', 'i18n-data-label': 'referral.urgency' }, badge('urgency', r.urgency)),
        h('td', { class: 'col-status', 'i18n-data-label': 'referral.status' }, badge('status', r.status)),
        h('td', { class: 'col-due', 'i18n-data-label': 'referral.due' }, dueCell(r.due)),
        h('td', { class: 'col-assignee', 'i18n-data-label': 'assign.assignee' }, r.assignee_id
          ? h('span', { dir: 'auto', text: r.assignee_name || `#${r.assignee_id}` })
          : h('span', { class: 'muted', i18n: 'assign.nobody' })),
        h('td', { class: 'col-created', 'i18n-data-label': 'referral.created_at' }, dateTime(r.created_at)));
    }))));
}

// Fills a <select> with the partners (up to 500, by name); keeps `value`.
export async function loadPartnerOptions(select, value, signal, { blank = 'referrals.all_partners' } = {}) {
  const data = await api.get(`/partners${api.query({ limit: 500 })}`, { signal });
  const items = data.items || [];
  const keep = value ? String(value) : '';
  const opts = [h('option', { value: '', i18n: blank })];
  let found = false;
  for (const p of items) {
    if (String(p.id) === keep) found = true;
    opts.push(h('option', { value: String(p.id), dir: 'auto', text: p.name, selected: String(p.id) === keep }));
  }
  if (keep && !found) opts.push(h('option', { value: keep, text: `#${keep}`, selected: true }));
  replace(select, opts);
  select.value = keep;
  return items;
}

export function render(main, ctx) {
  setTitle('referrals.title');
  const { user } = ctx;
  const writer = canWriteReferrals(user);
  const header = h('div', { class: 'page-head' },
    h('div', {},
      h('h1', { tabindex: '-1', i18n: 'referrals.title' }),
      h('p', { class: 'muted', i18n: 'referrals.lead' })),
    writer && h('a', { href: '/referrals/new', class: 'btn btn-primary', i18n: 'referrals.new' }));

  if (!canListReferrals(user)) {
    replace(main, h('section', { class: 'page' }, header, emptyState('error.forbidden', 'referrals.no_access')));
    return;
  }

  const q0 = ctx.query;
  const statusField = field({ name: 'status', label: 'referrals.filter_status', as: 'select', value: q0.get('status') || '', options: enumOptions('status', STATUSES, { blank: 'referrals.all_statuses' }) });
  const dirField = field({ name: 'direction', label: 'referrals.filter_direction', as: 'select', value: q0.get('direction') || '', options: enumOptions('direction', DIRECTIONS, { blank: 'referrals.all_directions' }) });
  const partnerField = field({ name: 'partner_id', label: 'referrals.filter_partner', as: 'select', value: '', options: [['', 'referrals.all_partners']], class: 'grow' });
  const urgField = field({ name: 'urgency', label: 'referrals.filter_urgency', as: 'select', value: q0.get('urgency') || '', options: enumOptions('urgency', URGENCIES, { blank: 'referrals.all_urgencies' }) });
  const assigneeValue = q0.get('assignee_id') || '';
  const assigneeField = field({ name: 'assignee_id', label: 'referrals.filter_assignee', as: 'select', value: assigneeValue,
    options: [['', 'referrals.all_assignees'], ['none', 'referrals.unassigned']] });
  const overdueField = field({ name: 'overdue', label: 'referrals.overdue_only', type: 'checkbox', value: q0.get('overdue') === 'true' });
  const statusSel = statusField.querySelector('select');
  const dirSel = dirField.querySelector('select');
  const partnerSel = partnerField.querySelector('select');
  const urgSel = urgField.querySelector('select');
  const overdueBox = overdueField.querySelector('input');
  const assigneeSel = assigneeField.querySelector('select');
  if (assigneeValue && assigneeValue !== 'none') {
    assigneeSel.append(h('option', { value: assigneeValue, text: `#${assigneeValue}`, selected: true }));
    assigneeSel.value = assigneeValue;
  }
  // The coordinators and clinicians, by name ("Me" is among them).
  eligibleUsers(ASSIGNEE_ROLES, Number(assigneeValue) || null).then((users) => {
    const keep = assigneeSel.value;
    for (const o of [...assigneeSel.options]) if (o.value && o.value !== 'none') o.remove();
    for (const u of users) assigneeSel.append(h('option', { value: String(u.id), dir: 'auto', text: u.name }));
    assigneeSel.value = keep;
  }).catch(() => { /* the filter keeps its id */ });
  let partnerId = q0.get('partner_id') || '';
  if (partnerId) {
    replace(partnerSel, h('option', { value: '', i18n: 'referrals.all_partners' }), h('option', { value: partnerId, text: `#${partnerId}`, selected: true }));
    partnerSel.value = partnerId;
  }
  const form = h('form', { class: 'filters', role: 'search', 'i18n-aria-label': 'referrals.filters' },
    statusField, dirField, partnerField, urgField, assigneeField, overdueField);

  const results = h('div', { class: 'results', 'aria-busy': 'false' });
  const status = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', i18n: 'pager.previous', disabled: true });
  const next = h('button', { type: 'button', class: 'btn', i18n: 'pager.next', disabled: true });
  const pageLabel = h('span', { class: 'pager-label muted' });
  const pager = h('nav', { class: 'pager', 'i18n-aria-label': 'pager.label', hidden: true }, prev, pageLabel, next);
  const hiddenNote = canReadReferrals(user) ? null : h('p', { class: 'notice', i18n: 'referrals.names_hidden' });

  replace(main, h('section', { class: 'page' }, header, form, hiddenNote, status, results, pager));

  loadPartnerOptions(partnerSel, partnerId, ctx.signal).catch(() => { /* the filter keeps its id */ });

  let cursors = [null];
  let page = 0;
  let nextCursor = null;
  let seq = 0;
  let inflight = null;

  const filters = () => ({
    status: statusSel.value,
    direction: dirSel.value,
    partner_id: partnerSel.value,
    urgency: urgSel.value,
    assignee_id: assigneeSel.value,
    overdue: overdueBox.checked ? 'true' : '',
  });

  function syncUrl() {
    const url = `/referrals${api.query(filters())}`;
    if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  }

  async function load() {
    const mine = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    results.setAttribute('aria-busy', 'true');
    if (!results.querySelector('table')) replace(results, loadingState());
    else results.classList.add('is-loading');
    try {
      const data = await api.get(`/referrals${api.query({ ...filters(), limit: PAGE_SIZE, cursor: cursors[page] })}`, { signal: inflight.signal });
      if (mine !== seq) return;
      nextCursor = data.next_cursor || null;
      const items = data.items || [];
      if (items.length === 0) {
        const f = filters();
        const filtered = f.status || f.direction || f.partner_id || f.urgency || f.assignee_id || f.overdue;
        replace(results, emptyState(filtered ? 'referrals.empty_filtered' : 'referrals.empty',
          filtered ? 'referrals.empty_filtered_hint' : (writer ? 'referrals.empty_hint' : null)));
      } else replace(results, referralTable(items, user));
      setText(status, 'referrals.shown', { count: items.length });
    } catch (err) {
      if (err.name === 'AbortError' || mine !== seq) return;
      nextCursor = null;
      replace(results, errorState(err, load));
    } finally {
      if (mine === seq) {
        results.setAttribute('aria-busy', 'false');
        results.classList.remove('is-loading');
        prev.disabled = page === 0;
        next.disabled = !nextCursor;
        pager.hidden = page === 0 && !nextCursor;
        setText(pageLabel, 'pager.page', { page: page + 1 });
      }
    }
  }

  function restart() {
    partnerId = partnerSel.value;
    cursors = [null];
    page = 0;
    syncUrl();
    load();
  }

  ctx.signal.addEventListener('abort', () => { if (inflight) inflight.abort(); }, { once: true });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); restart(); });
  for (const el of [statusSel, dirSel, partnerSel, urgSel, assigneeSel, overdueBox]) el.addEventListener('change', restart);
  next.addEventListener('click', () => {
    if (!nextCursor) return;
    cursors = cursors.slice(0, page + 1);
    cursors.push(nextCursor);
    page += 1;
    load();
  });
  prev.addEventListener('click', () => {
    if (page === 0) return;
    page -= 1;
    cursors = cursors.slice(0, page + 1);
    load();
  });

  load();
}
