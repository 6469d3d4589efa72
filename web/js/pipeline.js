// pipeline: the partner pipeline as a board — one column per stage
// (prospect → contacted → meeting → active, then inactive and lost), from
// GET /api/v1/partners?stage=…. No drag and drop: each card has a "Move to
// <next stage>" button and a stage select with a "Move" button, so every move
// works with the keyboard (PATCH /api/v1/partners/{id} {stage}). After a move
// the focus follows the card into its new column. A column shows 100 cards
// and a "Show more" button for the next 100. Owners are shown by name.
import * as api from './api.js';
import { h, replace, uid, setText } from './dom.js';
import { setTitle, iso, t, onLangChange } from './i18n.js';
import { userLabel } from './users.js';
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
    columns.set(s, { list, count, shown: 0, moreItem: null });
    board.append(col);
  }

  // A column shows LIMIT partners at a time; "Show more" fetches the next
  // page (keyset cursor) and appends it, keeping the focus in the column.
  async function loadColumn(stage, cursor = null) {
    const col = columns.get(stage);
    const { list, count } = col;
    try {
      const data = await api.get(`/partners${api.query({ stage, limit: LIMIT, cursor })}`, { signal: ctx.signal });
      const items = data.items || [];
      if (!cursor) {
        col.shown = 0;
        list.replaceChildren();
      } else if (col.moreItem) {
        col.moreItem.remove();
      }
      col.shown += items.length;
      col.moreItem = null;
      count.textContent = String(col.shown) + (data.next_cursor ? '+' : '');
      if (!col.shown) {
        replace(list, h('li', { class: 'board-empty muted', i18n: 'pipeline.empty' }));
        return;
      }
      list.append(...items.map(card));
      if (data.next_cursor) {
        const more = h('button', { type: 'button', class: 'btn btn-small btn-quiet board-more', 'aria-describedby': `col-${stage}` },
          h('span', { i18n: 'pipeline.show_more' }));
        more.addEventListener('click', async () => {
          more.disabled = true;
          const before = list.querySelectorAll('.board-card').length;
          await loadColumn(stage, data.next_cursor);
          const first = list.querySelectorAll('.board-card')[before];
          if (first) first.querySelector('a').focus();
        });
        col.moreItem = h('li', { class: 'board-more-item' }, more);
        list.append(col.moreItem);
      }
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (cursor && col.moreItem) {
        col.moreItem.querySelector('button').disabled = false;
        return;
      }
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
        p.owner_id != null && [h('dt', { i18n: 'partner.owner' }), h('dd', { class: 'board-owner' }, userLabel(p.owner_id, ctx.user))],
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
