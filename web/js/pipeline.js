// pipeline: the partner pipeline as a board — one column per stage
// (prospect → contacted → meeting → active, then inactive and lost), from
// GET /api/v1/partners?stage=…. No drag and drop: each card has a "Move to
// <next stage>" button and a stage select with a "Move" button, so every move
// works with the keyboard (PATCH /api/v1/partners/{id} {stage}). After a move
// the focus follows the card into its new column.
import * as api from './api.js';
import { h, replace, uid, setText } from './dom.js';
import { setTitle, iso, t, onLangChange } from './i18n.js';
import {
  STAGES, badge, loadingState, errorState, errorKey, announce, dateTime, canReadPartners, canWritePartners, emptyState,
} from './ui.js';

const FLOW = ['prospect', 'contacted', 'meeting', 'active'];
const LIMIT = 100;

export function render(main, ctx) {
  setTitle('pipeline.title');
  const writer = canWritePartners(ctx.user);
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const board = h('div', { class: 'board', role: 'list', 'i18n-aria-label': 'pipeline.columns' });
  const alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  replace(main, h('section', { class: 'page pipeline' },
    h('div', { class: 'page-head' },
      h('div', {},
        h('h1', { tabindex: '-1', i18n: 'pipeline.title' }),
        h('p', { class: 'muted', i18n: 'pipeline.lead' }))),
    alert, board, live));

  if (!canReadPartners(ctx.user)) {
    replace(board, emptyState('error.forbidden', 'partners.no_access'));
    return;
  }

  const columns = new Map();
  for (const s of STAGES) {
    const titleId = `col-${s}`;
    const list = h('ul', { class: 'board-cards', 'aria-labelledby': titleId }, loadingState());
    const count = h('span', { class: 'count muted' });
    const col = h('section', { class: 'board-col', role: 'listitem', dataset: { stage: s }, 'aria-labelledby': titleId },
      h('h2', { class: 'board-title', id: titleId }, badge('stage', s), count),
      list);
    columns.set(s, { list, count });
    board.append(col);
  }

  async function loadColumn(stage) {
    const { list, count } = columns.get(stage);
    try {
      const data = await api.get(`/partners${api.query({ stage, limit: LIMIT })}`, { signal: ctx.signal });
      const items = data.items || [];
      count.textContent = String(items.length) + (data.next_cursor ? '+' : '');
      if (!items.length) replace(list, h('li', { class: 'board-empty muted', i18n: 'pipeline.empty' }));
      else replace(list, items.map(card), data.next_cursor ? h('li', { class: 'board-empty muted', i18n: 'pipeline.more' }) : null);
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(list, h('li', {}, errorState(err, () => loadColumn(stage))));
    }
  }

  function card(p) {
    const i = FLOW.indexOf(p.stage);
    const next = i >= 0 && i < FLOW.length - 1 ? FLOW[i + 1] : null;
    const nameId = uid('card-name');
    const controls = [];
    if (writer) {
      if (next) {
        controls.push(h('button', {
          type: 'button', class: 'btn btn-small btn-primary move-next', dataset: { to: next },
          'aria-describedby': nameId, on: { click: () => move(p, next) },
        }, h('span', { i18n: 'pipeline.next', vars: { stage: t(`stage.${next}`) } })));
      }
      const selId = uid('stage');
      const sel = h('select', { id: selId, class: 'stage-select', 'aria-describedby': nameId },
        STAGES.map((s) => h('option', { value: s, i18n: `stage.${s}`, selected: s === p.stage })));
      controls.push(h('div', { class: 'stage-move' },
        h('label', { for: selId, class: 'label-text', i18n: 'pipeline.move_to' }),
        h('div', { class: 'stage-move-row' }, sel,
          h('button', { type: 'button', class: 'btn btn-small', 'aria-describedby': nameId, i18n: 'pipeline.move',
            on: { click: () => { if (sel.value !== p.stage) move(p, sel.value); } } }))));
    }
    return h('li', { class: 'board-card', dataset: { partnerId: String(p.id) } },
      h('a', { id: nameId, class: 'board-name', href: `/partners/${p.id}`, dir: 'auto', text: p.name }),
      p.specialty && h('p', { class: 'muted board-meta', dir: 'auto', text: p.specialty }),
      h('dl', { class: 'board-dl' },
        p.source && [h('dt', { i18n: 'pipeline.source' }), h('dd', { i18n: `source.${p.source}` })],
        p.stage_since && [h('dt', { i18n: 'pipeline.since' }), h('dd', {}, dateTime(p.stage_since))]),
      controls.length ? h('div', { class: 'board-actions' }, controls) : null);
  }

  async function move(p, to) {
    alert.hidden = true;
    const from = p.stage;
    try {
      await api.patch(`/partners/${p.id}`, { stage: to });
      announce(live, 'pipeline.moved', { name: iso(p.name), stage: t(`stage.${to}`) });
      await Promise.all([loadColumn(from), loadColumn(to)]);
      const moved = board.querySelector(`.board-col[data-stage="${to}"] .board-card[data-partner-id="${p.id}"]`);
      if (moved) (moved.querySelector('.move-next') || moved.querySelector('select') || moved.querySelector('a')).focus();
    } catch (err) {
      if (err.name === 'AbortError') return;
      setText(alert, errorKey(err));
      alert.hidden = false;
      alert.focus();
    }
  }

  // "Move to <stage>" carries the stage's name: redraw the cards in the new language.
  const off = onLangChange(() => { for (const s of STAGES) loadColumn(s); });
  ctx.signal.addEventListener('abort', off, { once: true });
  for (const s of STAGES) loadColumn(s);
}
