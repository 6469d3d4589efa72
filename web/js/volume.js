// volume: a partner's referrals per month over the last 24 months, in and
// out (GET /analytics/volume?partner_id=; domain.md "volume"), as a bar
// chart with the same figures in a table beside it for screen readers and
// for anyone who wants the numbers. The SVG is built with DOM calls and
// sized by attributes (the CSP allows no inline style).
import * as api from './api.js';
import { h, replace } from './dom.js';
import { formatMonth, formatNumber } from './i18n.js';
import { loadingState, errorState } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.append(c);
  return el;
}

function chart(data) {
  const W = 720, H = 180, PAD = 24, n = data.months.length;
  const max = Math.max(1, ...data.months.map((m) => Math.max(m.inbound, m.outbound)));
  const slot = (W - PAD) / n, bar = Math.max(2, slot / 2 - 2);
  const y = (v) => H - PAD - ((H - 2 * PAD) * v) / max;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'volume-chart', role: 'img', 'aria-labelledby': 'volume-summary' });
  svg.append(s('line', { x1: PAD, y1: H - PAD, x2: W, y2: H - PAD, class: 'volume-axis' }));
  const top = s('text', { x: 0, y: y(max) + 4, class: 'volume-label' });
  top.textContent = formatNumber(max);
  svg.append(top);
  data.months.forEach((m, i) => {
    const x = PAD + i * slot + 1;
    const tip = `${formatMonth(m.month)}: ${formatNumber(m.inbound)} / ${formatNumber(m.outbound)}`;
    const inBar = s('rect', { x, y: y(m.inbound), width: bar, height: H - PAD - y(m.inbound), class: 'volume-in' });
    const outBar = s('rect', { x: x + bar + 1, y: y(m.outbound), width: bar, height: H - PAD - y(m.outbound), class: 'volume-out' });
    const g = s('g', {}, s('title'), inBar, outBar);
    g.firstChild.textContent = tip;
    svg.append(g);
    if (i % 6 === 0 || i === n - 1) {
      // The last month's label ends at the right edge, so it is not cut off.
      // data-date: a language switch re-formats the label in place (i18n.js).
      const at = { y: H - 6, class: 'volume-label', 'data-date': m.month, 'data-date-kind': 'month' };
      const label = i === n - 1 ? s('text', { ...at, x: W, 'text-anchor': 'end' }) : s('text', { ...at, x });
      label.textContent = formatMonth(m.month);
      svg.append(label);
    }
  });
  return svg;
}

export function volumeCard(p, ctx) {
  const body = h('div', {}, loadingState());
  const card = h('section', { class: 'card card-wide', 'aria-labelledby': 'volume-title' },
    h('h2', { id: 'volume-title', i18n: 'volume.title' }), body);
  async function load() {
    try {
      const data = await api.get(`/analytics/volume?partner_id=${p.id}`, { signal: ctx.signal });
      const t = data.totals;
      const table = h('table', { class: 'table compact' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', i18n: 'volume.month' }),
          h('th', { scope: 'col', i18n: 'volume.inbound' }),
          h('th', { scope: 'col', i18n: 'volume.outbound' }))),
        h('tbody', {}, data.months.slice().reverse().map((m) => h('tr', {},
          h('th', { scope: 'row' }, h('span', { dataset: { date: m.month, dateKind: 'month' }, text: formatMonth(m.month) })),
          h('td', { text: formatNumber(m.inbound) }),
          h('td', { text: formatNumber(m.outbound) })))));
      replace(body,
        h('p', { id: 'volume-summary', i18n: 'volume.summary', vars: { inbound: t.inbound, outbound: t.outbound, months: data.months.length } }),
        h('ul', { class: 'volume-legend' },
          h('li', { class: 'legend-in', i18n: 'volume.inbound' }),
          h('li', { class: 'legend-out', i18n: 'volume.outbound' })),
        h('div', { class: 'volume-wrap', dir: 'ltr' }, chart(data)),
        h('details', { class: 'volume-figures' },
          h('summary', { i18n: 'volume.show_figures' }),
          h('div', { class: 'table-wrap' }, table)));
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(body, errorState(err, load));
    }
  }
  load();
  return card;
}
