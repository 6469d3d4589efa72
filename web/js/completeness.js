// completeness: the referral packet checklist, computed in the browser while
// a packet is typed, with the server's default checklists
// (src/domain/completeness.c): the weighted share of the required items
// present, rounded half up, never 100 while something is missing. The
// server's `completeness` of a saved referral is authoritative; this only
// previews it. Also the meter component that shows a score and what is
// missing.
import { h, replace, setText } from './dom.js';
import { t } from './i18n.js';

export const ITEMS = ['reason', 'diagnoses', 'history', 'medications', 'allergies', 'results', 'treatment', 'question', 'attachments'];
export const THRESHOLD = 70;

const GENERAL = { reason: 1, diagnoses: 1, history: 1, medications: 1, allergies: 1, question: 1 };
const ORTHO = { ...GENERAL, results: 2, treatment: 1 };
const CHECKLISTS = {
  general: GENERAL,
  cardiology: { ...GENERAL, results: 2 },
  orthopaedics: ORTHO,
  orthopedics: ORTHO,
  oncology: { ...GENERAL, results: 2, treatment: 2, attachments: 1 },
};

// The checklist key for a receiving specialty (ASCII, any case), else general.
export function checklistKey(specialty) {
  const k = String(specialty || '').trim().toLowerCase();
  return Object.hasOwn(CHECKLISTS, k) ? (k === 'orthopedics' ? 'orthopaedics' : k) : 'general';
}

// present: a Set of the item names the packet has.
export function score(specialty, present) {
  const list = CHECKLISTS[checklistKey(specialty)];
  let total = 0;
  let have = 0;
  const missing = [];
  for (const item of ITEMS) {
    const w = list[item];
    if (!w) continue;
    total += w;
    if (present.has(item)) have += w;
    else missing.push(item);
  }
  if (total === 0) return { score: 100, missing, threshold: THRESHOLD };
  let s = Math.floor((200 * have + total) / (2 * total));
  if (missing.length && s > 99) s = 99;
  return { score: s, missing, threshold: THRESHOLD };
}

// The meter: a labelled <meter>, the score, the checklist used, and the
// missing items. update({score, missing, threshold, overridden}, checklist).
export function meter({ live = false } = {}) {
  const labelId = `meter-${Math.random().toString(36).slice(2, 8)}`;
  const value = h('span', { class: 'meter-value' });
  const bar = h('meter', { class: 'meter', min: '0', max: '100', low: String(THRESHOLD), high: '90', optimum: '100', value: '0', 'aria-labelledby': labelId });
  const checklist = h('p', { class: 'meter-checklist muted' });
  const below = h('p', { class: 'meter-below', hidden: true });
  const missingTitle = h('p', { class: 'meter-missing-title', i18n: 'completeness.missing' });
  const missingList = h('ul', { class: 'meter-missing' });
  const done = h('p', { class: 'meter-done', i18n: 'completeness.nothing_missing', hidden: true });
  const summary = live ? h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' }) : null;
  const el = h('div', { class: 'completeness' },
    h('div', { class: 'meter-head' },
      h('h2', { id: labelId, class: 'meter-label', i18n: 'completeness.title' }),
      value),
    bar, checklist, below, missingTitle, missingList, done, summary);
  let last = '';

  // beforeSend: the referral is still to be sent, so a score below the
  // threshold is worth a warning.
  function update(c, checklistName, { beforeSend = true } = {}) {
    const s = Math.max(0, Math.min(100, Number(c.score) || 0));
    const threshold = c.threshold ?? THRESHOLD;
    const missing = c.missing || [];
    const sig = JSON.stringify([s, missing, threshold, c.overridden, checklistName, beforeSend]);
    if (sig === last) return;
    last = sig;
    bar.value = s;
    bar.low = threshold;
    setText(value, 'completeness.percent', { score: s });
    el.classList.toggle('is-below', s < threshold && beforeSend);
    if (checklistName) setText(checklist, 'completeness.checklist', { name: t(`checklist.${checklistName}`) });
    checklist.hidden = !checklistName;
    if (s < threshold && beforeSend && !c.overridden) {
      setText(below, 'completeness.below', { threshold });
      below.hidden = false;
    } else if (c.overridden) {
      setText(below, 'completeness.overridden', { threshold });
      below.hidden = false;
    } else below.hidden = true;
    replace(missingList, missing.map((m) => h('li', { class: 'chip', dataset: { item: m }, i18n: `packet_item.${m}` })));
    missingTitle.hidden = missing.length === 0;
    missingList.hidden = missing.length === 0;
    done.hidden = missing.length > 0;
    if (summary) {
      setText(summary, missing.length ? 'completeness.summary' : 'completeness.summary_done', {
        score: s, missing: missing.map((m) => t(`packet_item.${m}`)).join(t('list.separator')),
      });
    }
  }
  return { el, update };
}
