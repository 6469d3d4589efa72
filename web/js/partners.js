// partners: the partner list — search (debounced, or Enter), filters by
// stage, kind and archived, a table, and cursor paging (a stack of cursors
// for Previous). The filters live in the URL so a reload keeps them.
import * as api from './api.js';
import { h, replace, setText, bdi } from './dom.js';
import { setTitle } from './i18n.js';
import { field, enumOptions, KINDS, STAGES, badge, loadingState, emptyState, errorState, canReadPartners, canWritePartners } from './ui.js';

export const PAGE_SIZE = 25;

export function render(main, ctx) {
  setTitle('partners.title');
  const { user } = ctx;
  const writer = canWritePartners(user);
  const header = h('div', { class: 'page-head' },
    h('div', {},
      h('h1', { tabindex: '-1', i18n: 'partners.title' }),
      h('p', { class: 'muted', i18n: 'partners.lead' })),
    writer && h('a', { href: '/partners/new', class: 'btn btn-primary', i18n: 'partners.new' }));

  if (!canReadPartners(user)) {
    replace(main, h('section', { class: 'page' }, header, emptyState('error.forbidden', 'partners.no_access')));
    return;
  }

  const q0 = ctx.query;
  const qField = field({ name: 'q', label: 'partners.search', type: 'search', value: q0.get('q') || '', class: 'grow', autocomplete: 'off', placeholder: 'partners.search_placeholder' });
  const stageField = field({ name: 'stage', label: 'partners.filter_stage', as: 'select', value: q0.get('stage') || '', options: enumOptions('stage', STAGES, { blank: 'partners.all_stages' }) });
  const kindField = field({ name: 'kind', label: 'partners.filter_kind', as: 'select', value: q0.get('kind') || '', options: enumOptions('kind', KINDS, { blank: 'partners.all_kinds' }) });
  const archField = field({ name: 'archived', label: 'partners.show_archived', type: 'checkbox', value: q0.get('archived') === 'true' });
  const qInput = qField.querySelector('input');
  const stageSel = stageField.querySelector('select');
  const kindSel = kindField.querySelector('select');
  const archBox = archField.querySelector('input');
  const form = h('form', { class: 'filters', role: 'search', 'i18n-aria-label': 'partners.filters' },
    qField, stageField, kindField, archField,
    h('button', { type: 'submit', class: 'btn', i18n: 'partners.search_button' }));

  const results = h('div', { class: 'results', 'aria-busy': 'false' });
  const status = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', i18n: 'pager.previous', disabled: true });
  const next = h('button', { type: 'button', class: 'btn', i18n: 'pager.next', disabled: true });
  const pageLabel = h('span', { class: 'pager-label muted' });
  const pager = h('nav', { class: 'pager', 'i18n-aria-label': 'pager.label', hidden: true }, prev, pageLabel, next);

  replace(main, h('section', { class: 'page' }, header, form, status, results, pager));

  // cursors[i] is the cursor that fetches page i (null for the first).
  let cursors = [null];
  let page = 0;
  let nextCursor = null;
  let seq = 0;
  let inflight = null;

  const filters = () => ({
    q: qInput.value.trim(),
    stage: stageSel.value,
    kind: kindSel.value,
    archived: archBox.checked ? 'true' : '',
  });

  function syncUrl() {
    const f = filters();
    const url = `/partners${api.query(f)}`;
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
      const data = await api.get(`/partners${api.query({ ...filters(), limit: PAGE_SIZE, cursor: cursors[page] })}`, { signal: inflight.signal });
      if (mine !== seq) return;
      nextCursor = data.next_cursor || null;
      drawTable(data.items || []);
      setText(status, 'partners.shown', { count: (data.items || []).length });
    } catch (err) {
      if (err.name === 'AbortError' || mine !== seq) return;
      nextCursor = null;
      replace(results, errorState(err, load));
    } finally {
      if (mine === seq) {
        results.setAttribute('aria-busy', 'false');
        results.classList.remove('is-loading');
        drawPager();
      }
    }
  }

  function drawPager() {
    prev.disabled = page === 0;
    next.disabled = !nextCursor;
    pager.hidden = page === 0 && !nextCursor;
    setText(pageLabel, 'pager.page', { page: page + 1 });
  }

  function drawTable(items) {
    if (items.length === 0) {
      const f = filters();
      const filtered = f.q || f.stage || f.kind;
      replace(results, emptyState(
        filtered ? 'partners.empty_filtered' : (f.archived ? 'partners.empty_archived' : 'partners.empty'),
        filtered ? 'partners.empty_filtered_hint' : (writer && !f.archived ? 'partners.empty_hint' : null)));
      return;
    }
    const cols = [
      ['name', 'partner.name'], ['kind', 'partner.kind'], ['specialty', 'partner.specialty'],
      ['city', 'address.city'], ['stage', 'partner.stage'], ['in_network', 'partner.in_network'],
    ];
    const table = h('table', { class: 'table responsive' },
      h('caption', { class: 'visually-hidden', i18n: 'partners.table_caption' }),
      h('thead', {}, h('tr', {}, cols.map(([c, key]) => h('th', { scope: 'col', class: `col-${c}`, i18n: key })))),
      h('tbody', {}, items.map((p) => h('tr', {},
        h('th', { scope: 'row', class: 'col-name', 'i18n-data-label': 'partner.name' },
          h('a', { href: `/partners/${p.id}`, dir: 'auto', text: p.name }),
          p.archived && h('span', { class: 'badge badge-archived', i18n: 'partner.archived_badge' })),
        h('td', { class: 'col-kind', 'i18n-data-label': 'partner.kind', i18n: `kind.${p.kind}` }),
        h('td', { class: 'col-specialty', 'i18n-data-label': 'partner.specialty' }, p.specialty ? bdi(p.specialty) : null),
        h('td', { class: 'col-city', 'i18n-data-label': 'address.city' }, p.address && p.address.city ? bdi(p.address.city) : null),
        h('td', { class: 'col-stage', 'i18n-data-label': 'partner.stage' }, badge('stage', p.stage)),
        h('td', { class: 'col-in_network', 'i18n-data-label': 'partner.in_network' },
          h('span', { class: ['yesno', p.in_network ? 'yes' : 'no'], i18n: p.in_network ? 'value.yes' : 'value.no' }))))));
    replace(results, h('div', { class: 'table-wrap' }, table));
  }

  function restart() {
    cursors = [null];
    page = 0;
    syncUrl();
    load();
  }

  let timer = null;
  qInput.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(restart, 300);
  });
  ctx.signal.addEventListener('abort', () => {
    clearTimeout(timer);
    if (inflight) inflight.abort();
  }, { once: true });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    restart();
  });
  for (const el of [stageSel, kindSel, archBox]) el.addEventListener('change', restart);
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
