// today: the home page after sign-in — GET /api/v1/worklist, grouped by kind
// (referral steps, check-ins due — overdue, today, this week —, follow-ups,
// commitments), most urgent first as the server sorts them; each item links
// to where it is done. The referral steps are the person's own (those they
// are the assignee or receiving clinician of; a liaison's, those of the
// partners they own; a manager's and admin's also the unassigned, marked so).
// Managers and admins may look at another owner's list (?owner_id=), picked
// by name from the people of the practice.
import * as api from './api.js';
import { h, replace, bdi } from './dom.js';
import { setTitle } from './i18n.js';
import { loadUsers } from './users.js';
import {
  field, badge, overdueBadge, loadingState, emptyState, errorState, dateTime, dateOnly, personName, canReadReferrals,
} from './ui.js';

const GROUPS = [
  { kind: 'referral_step', key: 'today.section_referrals' },
  { kind: 'checkin', key: 'today.section_checkins' },
  { kind: 'follow_up', key: 'today.section_followups' },
  { kind: 'commitment', key: 'today.section_commitments' },
];
const BUCKETS = ['overdue', 'today', 'week'];
const canPickOwner = (user) => !!user && (user.role === 'manager' || user.role === 'admin');

export function render(main, ctx) {
  setTitle('today.title');
  const owner = ctx.query.get('owner_id') || '';
  const results = h('div', { class: 'worklist', 'aria-busy': 'true' }, loadingState());
  const picker = canPickOwner(ctx.user) ? ownerPicker(owner) : null;
  let currentOwner = Number(owner) || ctx.user.id; // whose list is shown
  replace(main, h('section', { class: 'page today' },
    h('div', { class: 'page-head' },
      h('div', {},
        h('h1', { tabindex: '-1', i18n: 'today.title' }),
        h('p', { class: 'muted', i18n: 'today.lead' })),
      picker),
    results));

  function ownerPicker(value) {
    const f = field({ name: 'owner_id', label: 'today.owner', as: 'select', value, options: [['', 'today.owner_me']] });
    const sel = f.querySelector('select');
    sel.addEventListener('change', () => {
      const url = `/today${api.query({ owner_id: sel.value })}`;
      history.replaceState(null, '', url);
      load(sel.value);
    });
    // Everyone of the practice, by name (GET /api/v1/users); "Mine" first.
    loadUsers().then((users) => {
      const others = [...users.values()].filter((u) => u.id !== ctx.user.id && (u.active !== false || String(u.id) === value))
        .sort((a, b) => a.name.localeCompare(b.name));
      for (const u of others) sel.append(h('option', { value: String(u.id), dir: 'auto', text: u.name, selected: String(u.id) === value }));
      if (value && value !== String(ctx.user.id) && !users.has(Number(value))) {
        sel.append(h('option', { value, i18n: 'today.owner_user', vars: { id: value }, selected: true }));
      }
    }).catch(() => { /* the picker keeps "Mine" */ });
    return h('div', { class: 'owner-picker' }, f);
  }

  async function load(ownerId) {
    currentOwner = Number(ownerId) || ctx.user.id;
    results.setAttribute('aria-busy', 'true');
    try {
      const data = await api.get(`/worklist${api.query({ owner_id: ownerId })}`, { signal: ctx.signal });
      draw(data.items || []);
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(results, errorState(err, () => load(ownerId)));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  function draw(items) {
    if (!items.length) {
      replace(results, emptyState('today.clear', 'today.clear_hint'));
      return;
    }
    const sections = [];
    for (const g of GROUPS) {
      const mine = items.filter((x) => x.kind === g.kind);
      if (!mine.length) continue;
      const titleId = `today-${g.kind}`;
      let body;
      if (g.kind === 'checkin') {
        body = BUCKETS.map((b) => {
          const inB = mine.filter((x) => (x.bucket || 'week') === b);
          return inB.length ? h('div', { class: 'bucket', dataset: { bucket: b } },
            h('h3', { i18n: `bucket.${b}` }),
            h('ul', { class: 'work-list' }, inB.map(itemRow))) : null;
        });
      } else {
        body = h('ul', { class: 'work-list' }, mine.map(itemRow));
      }
      sections.push(h('section', { class: 'card work-group', dataset: { kind: g.kind }, 'aria-labelledby': titleId },
        h('div', { class: 'card-head' },
          h('h2', { id: titleId, i18n: g.key }),
          h('span', { class: 'count muted', i18n: 'today.count', vars: { count: mine.length } })),
        body));
    }
    replace(results, sections);
  }

  // Why a referral step is on this list: unassigned (for managers), or the
  // person's part in it (assignee, receiving clinician).
  function whose(x) {
    if (!('assignee_id' in x)) return null;
    if (x.assignee_id === null) return h('span', { class: 'badge badge-unassigned', i18n: 'today.unassigned' });
    const owner = currentOwner;
    if (x.receiving_clinician_id === owner && x.assignee_id !== owner) {
      return h('span', { class: 'work-role muted', i18n: 'today.as_receiving' });
    }
    if (x.assignee_id !== owner && x.assignee_name) {
      return h('span', { class: 'work-role muted', i18n: 'today.assigned_to', vars: { name: `\u2068${x.assignee_name}\u2069` } });
    }
    return null;
  }

  function itemRow(x) {
    const overdue = x.overdue || x.bucket === 'overdue';
    const cls = ['work-item', overdue && 'is-overdue'];
    const partnerLink = (name) => (x.partner_id ? h('a', { href: `/partners/${x.partner_id}`, dir: 'auto', text: name || '' }) : bdi(name || ''));
    const due = (node) => h('span', { class: 'work-due' }, h('span', { class: 'muted', i18n: 'today.due' }), ' ', node);
    if (x.kind === 'referral_step') {
      const title = canReadReferrals(ctx.user)
        ? h('a', { href: `/referrals/${x.referral_id}`, i18n: 'today.referral_n', vars: { id: String(x.referral_id) } })
        : h('span', { i18n: 'today.referral_n', vars: { id: String(x.referral_id) } });
      return h('li', { class: cls, dataset: { kind: x.kind, referralId: String(x.referral_id) } },
        h('div', { class: 'work-main' }, title,
          x.step && h('span', { class: 'work-what', i18n: `step.${x.step}` }),
          x.patient && personName(x.patient) && h('span', { class: 'work-who' }, bdi(personName(x.patient))),
          x.partner_name && h('span', { class: 'work-who muted' }, bdi(x.partner_name)),
          whose(x)),
        h('div', { class: 'work-side' }, overdue && overdueBadge(), due(dateTime(x.due_at))));
    }
    if (x.kind === 'checkin') {
      return h('li', { class: cls, dataset: { kind: x.kind, partnerId: String(x.partner_id) } },
        h('div', { class: 'work-main' }, partnerLink(x.partner_name), h('span', { class: 'work-what', i18n: 'today.checkin' })),
        h('div', { class: 'work-side' }, badge('bucket', x.bucket || 'week'), due(dateTime(x.due_at))));
    }
    if (x.kind === 'follow_up') {
      return h('li', { class: cls, dataset: { kind: x.kind, partnerId: String(x.partner_id), interactionId: String(x.interaction_id) } },
        h('div', { class: 'work-main' }, partnerLink(x.partner_name), h('span', { class: 'work-what', i18n: 'today.follow_up' }),
          x.interaction_kind && badge('interaction_kind', x.interaction_kind)),
        h('div', { class: 'work-side' }, overdue && overdueBadge(), due(dateTime(x.due_at))));
    }
    if (x.kind === 'commitment') {
      return h('li', { class: cls, dataset: { kind: x.kind, partnerId: String(x.partner_id), commitmentId: String(x.commitment_id) } },
        h('div', { class: 'work-main' },
          x.partner_id ? h('a', { href: `/partners/${x.partner_id}`, dir: 'auto', text: x.title || '' }) : bdi(x.title || ''),
          x.partner_name && h('span', { class: 'work-who muted', i18n: 'today.for_partner', vars: { name: `\u2068${x.partner_name}\u2069` } })),
        h('div', { class: 'work-side' }, overdue && overdueBadge(), due(dateOnly(x.due_on))));
    }
    return null;
  }

  load(owner);
}
