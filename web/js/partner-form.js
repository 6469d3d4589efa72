// partner-form: create (/partners/new) and edit (/partners/{id}/edit) a
// partner — every field of docs/api.md. Identifiers are repeatable rows;
// languages and payers are comma-separated lists. The server's 422 is shown
// next to the field it names (identifiers[0].value, address.city, …).
import * as api from './api.js';
import { h, replace, setText, bdi } from './dom.js';
import { setTitle, iso } from './i18n.js';
import { fillOwnerSelect } from './users.js';
import {
  field, enumOptions, KINDS, STAGES, SCHEMES, loadingState, errorState, emptyState, formAlert, clearErrors,
  showFormError, markInvalid, splitList, canWritePartners,
} from './ui.js';

const TEXT_FIELDS = ['specialty', 'taxonomy_code', 'organization', 'phone', 'email', 'goals_theirs', 'goals_ours', 'notes',
  'services_theirs', 'services_ours', 'capacity_note'];
const ADDRESS_FIELDS = ['line', 'city', 'region', 'postal_code', 'country'];

export function render(main, ctx) {
  const editing = !!ctx.params.id;
  setTitle(editing ? 'form.edit_title' : 'form.new_title');
  const wrap = h('section', { class: 'page narrow' });
  replace(main, wrap);

  if (!canWritePartners(ctx.user)) {
    replace(wrap, h('h1', { tabindex: '-1', i18n: editing ? 'form.edit_title' : 'form.new_title' }),
      emptyState('error.forbidden', 'form.no_access'));
    return;
  }
  if (!editing) {
    draw(null);
    return;
  }
  replace(wrap, h('h1', { tabindex: '-1', i18n: 'form.edit_title' }), loadingState());
  const load = async () => {
    try {
      const p = await api.get(`/partners/${ctx.params.id}`, { signal: ctx.signal });
      draw(p);
      wrap.querySelector('h1').focus();
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(wrap, h('h1', { tabindex: '-1', i18n: 'form.edit_title' }), errorState(err, load));
    }
  };
  load();

  function draw(p) {
    const v = p || {};
    const addr = v.address || {};
    if (p) setTitle('form.edit_title', p.name);
    const user = ctx.user;

    const f = {};
    f.name = field({ name: 'name', label: 'partner.name', required: true, value: v.name, dir: 'auto', maxlength: 200, autocomplete: 'off' });
    f.kind = field({ name: 'kind', label: 'partner.kind', as: 'select', value: v.kind || 'physician', options: enumOptions('kind', KINDS) });
    f.stage = field({ name: 'stage', label: 'partner.stage', as: 'select', value: v.stage || 'prospect', options: enumOptions('stage', STAGES) });
    f.source = field({ name: 'source', label: 'partner.source', as: 'select', value: v.source || '', options: enumOptions('source', ['event', 'peer_referral', 'registry', 'other'], { blank: 'form.source_none' }) });
    f.specialty = field({ name: 'specialty', label: 'partner.specialty', value: v.specialty, dir: 'auto', autocomplete: 'off' });
    f.taxonomy_code = field({ name: 'taxonomy_code', label: 'partner.taxonomy_code', value: v.taxonomy_code, dir: 'ltr', hint: 'form.hint_taxonomy', autocomplete: 'off' });
    f.organization = field({ name: 'organization', label: 'partner.organization', value: v.organization, dir: 'auto', autocomplete: 'off' });
    f.phone = field({ name: 'phone', label: 'partner.phone', type: 'tel', value: v.phone, dir: 'ltr', autocomplete: 'off' });
    f.email = field({ name: 'email', label: 'partner.email', type: 'email', value: v.email, dir: 'ltr', autocomplete: 'off' });
    for (const k of ADDRESS_FIELDS) {
      f[`address.${k}`] = field({
        name: `address.${k}`, label: `address.${k}`, value: addr[k], autocomplete: 'off',
        dir: k === 'postal_code' || k === 'country' ? 'ltr' : 'auto',
        hint: k === 'country' ? 'form.hint_country' : null, maxlength: k === 'country' ? 2 : null,
        class: k === 'line' ? 'span-2' : null,
      });
    }
    f.in_network = field({ name: 'in_network', label: 'partner.in_network_label', type: 'checkbox', value: !!v.in_network });
    f.payers = field({ name: 'payers', label: 'partner.payers', value: (v.payers || []).join(', '), dir: 'auto', hint: 'form.hint_payers', autocomplete: 'off' });
    f.languages = field({ name: 'languages', label: 'partner.languages', value: (v.languages || []).join(', '), dir: 'ltr', hint: 'form.hint_languages', autocomplete: 'off' });
    f.owner_id = field({ name: 'owner_id', label: 'partner.owner', as: 'select', options: [] });
    fillOwnerSelect(f.owner_id.querySelector('select'), { value: v.owner_id == null ? (p ? null : (user ? user.id : null)) : v.owner_id, me: user, blankKey: 'form.owner_none' });
    f.checkin_days = field({ name: 'checkin_days', label: 'partner.checkin_days', type: 'number', min: 1, max: 365, inputmode: 'numeric', dir: 'ltr', value: v.checkin_days ?? '', hint: 'form.hint_checkin' });
    f.goals_theirs = field({ name: 'goals_theirs', label: 'partner.goals_theirs', as: 'textarea', value: v.goals_theirs, dir: 'auto', class: 'span-2' });
    f.goals_ours = field({ name: 'goals_ours', label: 'partner.goals_ours', as: 'textarea', value: v.goals_ours, dir: 'auto', class: 'span-2' });
    f.services_theirs = field({ name: 'services_theirs', label: 'partner.services_theirs', as: 'textarea', value: v.services_theirs, dir: 'auto', class: 'span-2' });
    f.services_ours = field({ name: 'services_ours', label: 'partner.services_ours', as: 'textarea', value: v.services_ours, dir: 'auto', class: 'span-2' });
    f.wait_days = field({ name: 'wait_days', label: 'partner.wait_days', type: 'number', min: 0, max: 365, inputmode: 'numeric', dir: 'ltr', value: v.wait_days ?? '' });
    f.capacity_note = field({ name: 'capacity_note', label: 'partner.capacity_note', value: v.capacity_note, dir: 'auto', autocomplete: 'off' });
    f.notes = field({ name: 'notes', label: 'partner.notes', as: 'textarea', value: v.notes, dir: 'auto', class: 'span-2' });
    const ctl = (name) => f[name].querySelector('input,select,textarea');

    // Identifiers: one fieldset per row.
    const rows = [];
    const idList = h('div', { class: 'id-rows' });
    const idEmpty = h('p', { class: 'muted', i18n: 'partner.no_identifiers' });
    const addId = h('button', { type: 'button', class: 'btn', i18n: 'form.add_identifier' });
    function renumber() {
      rows.forEach((r, i) => setText(r.legend, 'form.identifier_n', { n: i + 1 }));
      idEmpty.hidden = rows.length > 0;
      addId.disabled = rows.length >= 20;
    }
    function addRow(x = {}, focus = false) {
      const legend = h('legend', {});
      const scheme = field({ name: 'identifier.scheme', label: 'identifier.scheme', as: 'select', value: x.scheme || 'npi', options: enumOptions('scheme', SCHEMES) });
      const value = field({ name: 'identifier.value', label: 'identifier.value', value: x.value, dir: 'ltr', autocomplete: 'off', maxlength: 64 });
      const issuer = field({ name: 'identifier.issuer', label: 'identifier.issuer', value: x.issuer, dir: 'auto', autocomplete: 'off' });
      const expires = field({ name: 'identifier.expires_on', label: 'identifier.expires_on', type: 'date', value: x.expires_on, dir: 'ltr' });
      const remove = h('button', { type: 'button', class: 'btn btn-quiet btn-small id-remove' },
        h('span', { i18n: 'form.remove_identifier' }));
      const row = { legend, el: null, scheme, value, issuer, expires };
      row.el = h('fieldset', { class: 'id-row' }, legend, h('div', { class: 'id-grid' }, scheme, value, issuer, expires), h('div', { class: 'id-row-actions' }, remove));
      remove.addEventListener('click', () => {
        rows.splice(rows.indexOf(row), 1);
        row.el.remove();
        renumber();
        addId.focus();
      });
      rows.push(row);
      idList.append(row.el);
      renumber();
      if (focus) value.querySelector('input').focus();
    }
    (v.identifiers || []).forEach((x) => addRow(x));
    addId.addEventListener('click', () => addRow({}, true));

    const alert = formAlert();
    // A possible duplicate (409 possible_duplicate): shown before anything is
    // saved, with a link to each partner that matches and "Save anyway".
    const dupBox = h('div', { class: 'notice dup-warning', role: 'alert', tabindex: '-1', hidden: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: p ? 'form.save' : 'form.create' });
    const cancelHref = p ? `/partners/${p.id}` : '/partners';
    const section = (key, ...children) => h('fieldset', { class: 'form-section' }, h('legend', { i18n: key }), ...children);
    const form = h('form', { class: 'form partner-form', novalidate: true, 'aria-labelledby': 'form-title' },
      alert, dupBox,
      section('form.section_basics', h('div', { class: 'form-grid' }, f.name, f.kind, f.stage, f.source, f.specialty, f.taxonomy_code, f.organization)),
      section('form.section_contact', h('div', { class: 'form-grid' }, f.phone, f.email)),
      section('form.section_address', h('div', { class: 'form-grid' }, ADDRESS_FIELDS.map((k) => f[`address.${k}`]))),
      section('form.section_identifiers', idEmpty, idList, h('div', {}, addId)),
      section('form.section_relationship', h('div', { class: 'form-grid' }, f.in_network, f.owner_id, f.checkin_days, f.payers, f.languages)),
      section('form.section_goals', h('div', { class: 'form-grid' }, f.goals_theirs, f.goals_ours, f.services_theirs, f.services_ours, f.wait_days, f.capacity_note, f.notes)),
      h('div', { class: 'form-actions' }, submit, h('a', { href: cancelHref, class: 'btn btn-quiet', i18n: 'action.cancel' })));

    // Builds the request body; rowOf[i] is the row behind identifiers[i].
    let rowOf = [];
    function collect() {
      const create = !p;
      const body = { name: ctl('name').value.trim(), kind: ctl('kind').value, stage: ctl('stage').value };
      for (const k of TEXT_FIELDS) {
        const s = ctl(k).value.trim();
        if (s) body[k] = s;
        else if (!create) body[k] = null;
      }
      const address = {};
      for (const k of ADDRESS_FIELDS) {
        const s = ctl(`address.${k}`).value.trim();
        if (s) address[k] = s;
        else if (!create) address[k] = null;
      }
      if (Object.keys(address).length && (!create || Object.values(address).some((x) => x !== null))) body.address = address;
      rowOf = [];
      const identifiers = [];
      for (const r of rows) {
        const val = (fl) => fl.querySelector('input,select').value.trim();
        if (!val(r.value) && !val(r.issuer) && !val(r.expires)) continue;
        identifiers.push({ scheme: val(r.scheme), value: val(r.value), issuer: val(r.issuer) || null, expires_on: val(r.expires) || null });
        rowOf.push(r);
      }
      if (!create || identifiers.length) body.identifiers = identifiers;
      body.languages = splitList(ctl('languages').value).map((x) => x.replace(/^[A-Za-z]+/, (m) => m.toLowerCase()));
      body.payers = splitList(ctl('payers').value);
      body.in_network = ctl('in_network').checked;
      const owner = ctl('owner_id').value;
      body.owner_id = owner ? Number(owner) : null;
      const source = ctl('source').value;
      if (source) body.source = source;
      else if (!create) body.source = null;
      const days = ctl('checkin_days').value.trim();
      body.checkin_days = days === '' ? null : Number(days);
      const wait = ctl('wait_days').value.trim();
      if (wait !== '') body.wait_days = Number(wait);
      else if (!create) body.wait_days = null;
      return body;
    }

    // Maps an API field name to the control that shows its error.
    function resolve(name) {
      let m = name.match(/^identifiers\[(\d+)\](?:\.(\w+))?$/);
      if (m) {
        const r = rowOf[Number(m[1])];
        if (!r) return addId;
        const part = { scheme: r.scheme, value: r.value, issuer: r.issuer, expires_on: r.expires }[m[2] || 'value'] || r.value;
        return part.querySelector('input,select');
      }
      if (name === 'identifiers') return rowOf[0] ? rowOf[0].value.querySelector('input') : addId;
      m = name.match(/^(languages|payers)(\[\d+\])?$/);
      if (m) return ctl(m[1]);
      if (name === 'address') return ctl('address.line');
      return f[name] ? ctl(name) : null;
    }

    function showDuplicates(matches) {
      replace(dupBox,
        h('p', { class: 'dup-title' }, h('strong', { i18n: 'partner.duplicate_title' })),
        h('p', { i18n: 'partner.duplicate_body' }),
        h('ul', { class: 'dup-matches' }, matches.map((m) => h('li', {},
          h('a', { href: `/partners/${m.id}`, class: 'dup-link' }, bdi(m.name)),
          m.city && [' ', h('span', { class: 'muted', dir: 'auto', text: `(${m.city})` })],
          m.archived && [' ', h('span', { class: 'badge badge-archived', i18n: 'partner.archived_badge' })]))),
        h('div', { class: 'form-actions' },
          h('button', { type: 'button', class: 'btn btn-primary dup-save', i18n: 'partner.duplicate_save', on: { click: () => save(true) } }),
          h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'action.cancel', on: { click: () => { dupBox.hidden = true; submit.focus(); } } })));
      dupBox.hidden = false;
      dupBox.focus();
    }

    async function save(confirmDuplicate) {
      clearErrors(form);
      dupBox.hidden = true;
      const body = collect();
      if (!body.name) {
        markInvalid(ctl('name'), { key: 'error.required' }).focus();
        return;
      }
      if (confirmDuplicate) body.confirm_duplicate = true;
      submit.disabled = true;
      try {
        const saved = p ? await api.patch(`/partners/${p.id}`, body) : await api.post('/partners', body);
        ctx.navigate(`/partners/${saved.id}`);
      } catch (err) {
        if (err.name === 'AbortError') return;
        submit.disabled = false;
        if (err.code === 'possible_duplicate' && err.matches && err.matches.length) {
          showDuplicates(err.matches);
          return;
        }
        if (err.code === 'conflict' && err.partner && err.field) {
          // The identifier is another partner's: say whose, in the user's language.
          const control = resolve(err.field);
          if (control) {
            markInvalid(control, { key: 'partner.identifier_taken', vars: { name: iso(err.partner.name), id: String(err.partner.id) } });
            control.focus();
            return;
          }
        }
        showFormError(form, err, resolve);
      }
    }

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      save(false);
    });

    replace(wrap,
      h('p', { class: 'back' }, h('a', { href: cancelHref, i18n: p ? 'form.back_to_partner' : 'partner.back' })),
      h('h1', { id: 'form-title', tabindex: '-1', i18n: p ? 'form.edit_title' : 'form.new_title' }),
      p && h('p', { class: 'subtitle' }, bdi(p.name)),
      h('p', { class: 'muted', i18n: 'form.required_note' }),
      form);
  }
}
