// partner: one partner — every field, identifiers, address, languages,
// payers, goals and notes; its contacts with an "Add contact" form; "Refer a
// patient" and its referral list; Edit and Archive (after a confirm step);
// and the relationship sections of relationship.js: the relationship panel,
// the communication log with its timeline, goals and commitments.
import * as api from './api.js';
import { h, replace, bdi } from './dom.js';
import { sections as relationshipSections } from './relationship.js';
import { userLabel } from './users.js';
import { volumeCard } from './volume.js';
import { setTitle, formatDate, formatDateTime, iso } from './i18n.js';
import {
  field, enumOptions, badge, dlRow, loadingState, errorState, emptyState, confirmDialog, announce,
  formAlert, clearErrors, showFormError, markInvalid, canWritePartners, canWriteReferrals, canListReferrals, CONTACT_ROLES, CHANNELS,
} from './ui.js';

function dateTime(iso) {
  return iso ? h('time', { datetime: iso, dataset: { date: iso, dateKind: 'datetime' }, text: formatDateTime(iso) }) : null;
}

function date(ymd) {
  return ymd ? h('time', { datetime: ymd, dataset: { date: ymd, dateKind: 'date' }, text: formatDate(ymd) }) : null;
}

function ltr(text) {
  return text ? h('span', { dir: 'ltr', class: 'ltr', text }) : null;
}

export function render(main, ctx) {
  setTitle('partner.title');
  const id = ctx.params.id;
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const wrap = h('section', { class: 'page' }, loadingState());
  replace(main, wrap, live);

  async function load(focus) {
    try {
      const p = await api.get(`/partners/${id}`, { signal: ctx.signal });
      draw(p);
      if (focus) main.querySelector('h1').focus();
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(wrap, backLink(), h('h1', { tabindex: '-1', i18n: 'partner.title' }), errorState(err, () => load(true)));
    }
  }

  function backLink() {
    return h('p', { class: 'back' }, h('a', { href: '/partners', i18n: 'partner.back' }));
  }

  function draw(p) {
    setTitle('partner.title', p.name);
    const writer = canWritePartners(ctx.user);
    const referrer = canWriteReferrals(ctx.user) && !p.archived;
    const lister = canListReferrals(ctx.user);
    const actions = writer || referrer || lister ? h('div', { class: 'actions' },
      referrer && h('a', { href: `/referrals/new?partner_id=${p.id}`, class: 'btn btn-primary', i18n: 'partner.refer' }),
      lister && h('a', { href: `/referrals?partner_id=${p.id}`, class: 'btn', i18n: 'partner.referrals' }),
      writer && h('a', { href: `/partners/${p.id}/edit`, class: 'btn', i18n: 'action.edit' }),
      writer && !p.archived && h('button', { type: 'button', class: 'btn btn-danger-quiet', i18n: 'action.archive', on: { click: archive } }),
      writer && p.archived && h('button', { type: 'button', class: 'btn btn-primary restore-btn', i18n: 'action.restore', on: { click: restore } })) : null;

    async function restore() {
      try {
        await api.post(`/partners/${p.id}/restore`, {});
        announce(live, 'partner.restored_done');
        await load(true);
      } catch (err) {
        if (err.name === 'AbortError') return;
        announce(live, 'error.generic');
        replace(wrap, backLink(), errorState(err, () => load(true)));
      }
    }

    async function archive() {
      const ok = await confirmDialog({ title: 'partner.archive_title', body: 'partner.archive_body', vars: { name: iso(p.name) }, confirm: 'action.archive' });
      if (!ok) return;
      try {
        await api.del(`/partners/${p.id}`);
        announce(live, 'partner.archived_done');
        await load(true);
      } catch (err) {
        if (err.name === 'AbortError') return;
        announce(live, 'error.generic');
        replace(wrap, backLink(), errorState(err, () => load(true)));
      }
    }

    const subtitle = [p.specialty, p.organization].filter(Boolean);
    const owner = userLabel(p.owner_id, ctx.user);
    // The cadence in force: its own, or (checkin_days null) its stage's default.
    const cadence = p.checkin_days_effective == null ? null
      : h('span', {}, h('span', { i18n: 'partner.checkin_every', vars: { count: p.checkin_days_effective } }),
        p.checkin_days == null && [' ', h('span', { class: 'muted', i18n: 'partner.checkin_stage_default' })]);
    const addr = p.address || {};
    const details = h('section', { class: 'card' },
      h('h2', { i18n: 'partner.section_details' }),
      h('dl', { class: 'dl' },
        dlRow('partner.kind', h('span', { i18n: `kind.${p.kind}` })),
        dlRow('partner.stage', badge('stage', p.stage)),
        dlRow('partner.source', p.source ? h('span', { i18n: `source.${p.source}` }) : null),
        dlRow('partner.specialty', p.specialty || ''),
        dlRow('partner.taxonomy_code', ltr(p.taxonomy_code)),
        dlRow('partner.organization', p.organization || ''),
        dlRow('partner.phone', p.phone ? h('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}`, dir: 'ltr', text: p.phone }) : null),
        dlRow('partner.email', p.email ? h('a', { href: `mailto:${p.email}`, dir: 'ltr', text: p.email }) : null),
        dlRow('partner.in_network', h('span', { i18n: p.in_network ? 'value.yes' : 'value.no' })),
        dlRow('partner.owner', owner),
        dlRow('partner.checkin_days', cadence),
        dlRow('partner.created_at', dateTime(p.created_at)),
        dlRow('partner.updated_at', dateTime(p.updated_at))));

    const addressLines = [addr.line, [addr.city, addr.region, addr.postal_code].filter(Boolean).join(', '), addr.country].filter(Boolean);
    // Languages and payers are shown with the goals (relationship.js), beside what each side wants.
    const addressCard = h('section', { class: 'card' },
      h('h2', { i18n: 'partner.section_address_only' }),
      addressLines.length
        ? h('address', { class: 'address' }, addressLines.map((l) => h('span', { class: 'address-line' }, bdi(l))))
        : h('p', { class: 'muted', i18n: 'value.none' }));

    const ids = p.identifiers || [];
    const idCard = h('section', { class: 'card' },
      h('h2', { i18n: 'partner.section_identifiers' }),
      ids.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table compact' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', i18n: 'identifier.scheme' }),
          h('th', { scope: 'col', i18n: 'identifier.value' }),
          h('th', { scope: 'col', i18n: 'identifier.issuer' }),
          h('th', { scope: 'col', i18n: 'identifier.expires_on' }))),
        h('tbody', {}, ids.map((x) => h('tr', {},
          h('td', { i18n: `scheme.${x.scheme}` }),
          h('td', {}, ltr(x.value)),
          h('td', {}, x.issuer ? bdi(x.issuer) : null),
          h('td', {}, date(x.expires_on)))))))
        : h('p', { class: 'muted', i18n: 'partner.no_identifiers' }));

    const notesCard = h('section', { class: 'card' },
      h('h2', { i18n: 'partner.notes' }),
      p.notes ? h('p', { class: 'prose' }, bdi(p.notes)) : h('p', { class: 'muted', i18n: 'value.none' }));
    const rel = relationshipSections(p, ctx, live);

    const contactsCard = h('section', { class: 'card card-wide', 'aria-labelledby': 'contacts-title' });
    replace(wrap,
      backLink(),
      h('div', { class: 'page-head' },
        h('div', { class: 'title-block' },
          h('h1', { tabindex: '-1' }, bdi(p.name)),
          h('p', { class: 'subtitle' },
            h('span', { i18n: `kind.${p.kind}` }),
            subtitle.map((s) => [h('span', { class: 'sep', 'aria-hidden': 'true', text: '·' }), h('span', { dir: 'auto', text: s })])),
          h('div', { class: 'badges' },
            badge('stage', p.stage),
            p.in_network && h('span', { class: 'badge badge-network', i18n: 'partner.in_network_badge' }),
            p.archived && h('span', { class: 'badge badge-archived', i18n: 'partner.archived_badge' }))),
        actions),
      p.archived && h('p', { class: 'notice', i18n: 'partner.archived_notice' }),
      h('div', { class: 'grid' }, details, canListReferrals(ctx.user) && volumeCard(p, ctx), rel.relCard, rel.logCard, rel.commitCard, rel.goalsCard, contactsCard, addressCard, idCard, notesCard));
    contacts(contactsCard, p, writer, rel.setContacts);
  }

  function contacts(card, p, writer, onContacts) {
    const list = h('div', { class: 'contacts-list' }, loadingState());
    const toggle = writer ? h('button', { type: 'button', class: 'btn', i18n: 'contacts.add', 'aria-expanded': 'false', 'aria-controls': 'contact-form' }) : null;
    let items = [];
    let more = null;

    const nameF = field({ name: 'name', label: 'contact.name', required: true, dir: 'auto', autocomplete: 'off' });
    const roleF = field({ name: 'role', label: 'contact.role', as: 'select', value: 'other', options: enumOptions('contact_role', CONTACT_ROLES) });
    const phoneF = field({ name: 'phone', label: 'contact.phone', type: 'tel', dir: 'ltr', autocomplete: 'off' });
    const emailF = field({ name: 'email', label: 'contact.email', type: 'email', dir: 'ltr', autocomplete: 'off' });
    const chanF = field({ name: 'preferred_channel', label: 'contact.preferred_channel', as: 'select', value: '', options: enumOptions('channel', CHANNELS, { blank: 'channel.none' }) });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'contacts.save' });
    const form = writer ? h('form', { id: 'contact-form', class: 'form contact-form', novalidate: true, hidden: true, 'aria-labelledby': 'contact-form-title' },
      h('h3', { id: 'contact-form-title', i18n: 'contacts.add_title' }),
      formAlert(),
      h('div', { class: 'form-grid' }, nameF, roleF, phoneF, emailF, chanF),
      h('div', { class: 'form-actions' }, save,
        h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'action.cancel', on: { click: () => showForm(false) } }))) : null;

    function showForm(on) {
      form.hidden = !on;
      toggle.setAttribute('aria-expanded', String(on));
      if (on) nameF.querySelector('input').focus();
      else {
        form.reset();
        clearErrors(form);
        toggle.focus();
      }
    }
    if (writer) toggle.addEventListener('click', () => showForm(form.hidden));

    if (writer) form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const v = (f) => f.querySelector('input,select').value.trim();
      const body = { name: v(nameF), role: v(roleF) };
      if (!body.name) {
        markInvalid(nameF.querySelector('input'), { key: 'error.required' }).focus();
        return;
      }
      if (v(phoneF)) body.phone = v(phoneF);
      if (v(emailF)) body.email = v(emailF);
      if (v(chanF)) body.preferred_channel = v(chanF);
      save.disabled = true;
      try {
        const c = await api.post(`/partners/${p.id}/contacts`, body);
        items.push(c);
        drawList();
        announce(live, 'contacts.added', { name: iso(c.name) });
        showForm(false);
      } catch (err) {
        if (err.name !== 'AbortError') showFormError(form, err);
      } finally {
        save.disabled = false;
      }
    });

    async function remove(c, button) {
      const ok = await confirmDialog({ title: 'contacts.remove_title', body: 'contacts.remove_body', vars: { name: iso(c.name) }, confirm: 'action.remove' });
      if (!ok) return;
      button.disabled = true;
      try {
        await api.del(`/contacts/${c.id}`);
        items = items.filter((x) => x.id !== c.id);
        drawList();
        announce(live, 'contacts.removed', { name: iso(c.name) });
        if (toggle) toggle.focus();
      } catch (err) {
        button.disabled = false;
        if (err.name !== 'AbortError') announce(live, 'error.generic');
      }
    }

    function drawList() {
      onContacts(items);
      if (!items.length) {
        replace(list, emptyState('contacts.empty', writer ? 'contacts.empty_hint' : null));
        return;
      }
      replace(list, h('div', { class: 'table-wrap' }, h('table', { class: 'table responsive' },
        h('caption', { class: 'visually-hidden', i18n: 'contacts.title' }),
        h('thead', {}, h('tr', {},
          ['contact.name', 'contact.role', 'contact.phone', 'contact.email', 'contact.preferred_channel'].map((k) => h('th', { scope: 'col', i18n: k })),
          writer && h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', i18n: 'contacts.actions' })))),
        h('tbody', {}, items.map((c) => {
          const rm = writer ? h('button', { type: 'button', class: 'btn btn-small btn-quiet' },
            h('span', { i18n: 'action.remove' }),
            h('span', { class: 'visually-hidden', dir: 'auto', text: ` ${c.name}` })) : null;
          if (rm) rm.addEventListener('click', () => remove(c, rm));
          return h('tr', {},
            h('th', { scope: 'row', 'i18n-data-label': 'contact.name' }, bdi(c.name)),
            h('td', { 'i18n-data-label': 'contact.role', i18n: `contact_role.${c.role}` }),
            h('td', { 'i18n-data-label': 'contact.phone' }, c.phone ? h('a', { href: `tel:${c.phone.replace(/[^0-9+]/g, '')}`, dir: 'ltr', text: c.phone }) : null),
            h('td', { 'i18n-data-label': 'contact.email' }, c.email ? h('a', { href: `mailto:${c.email}`, dir: 'ltr', text: c.email }) : null),
            h('td', { 'i18n-data-label': 'contact.preferred_channel' }, c.preferred_channel ? h('span', { i18n: `channel.${c.preferred_channel}` }) : h('span', { class: 'muted', i18n: 'value.none' })),
            writer && h('td', { class: 'cell-actions' }, rm));
        })))));
      if (more) list.append(more);
    }

    async function loadContacts(cursor) {
      try {
        const data = await api.get(`/partners/${p.id}/contacts${api.query({ limit: 100, cursor })}`, { signal: ctx.signal });
        items = items.concat(data.items || []);
        more = data.next_cursor
          ? h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'contacts.more', on: { click: () => loadContacts(data.next_cursor) } })
          : null;
        drawList();
      } catch (err) {
        if (err.name === 'AbortError') return;
        replace(list, errorState(err, () => { items = []; loadContacts(null); }));
      }
    }

    replace(card,
      h('div', { class: 'card-head' }, h('h2', { id: 'contacts-title', i18n: 'contacts.title' }), toggle),
      form, list);
    loadContacts(null);
  }

  load(false);
}
