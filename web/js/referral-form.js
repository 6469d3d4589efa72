// referral-form: a new referral (/referrals/new, ?partner_id= preselects the
// partner) and the packet of an existing one (/referrals/{id}/edit) — every
// field of docs/api.md "Creating and editing". A live completeness meter
// scores the packet on every input with the server's default checklists
// (completeness.js); after saving, the server's score is the one shown. The
// server's 422 is shown next to the field it names (patient.given,
// diagnoses[1], packet.history, …).
import * as api from './api.js';
import { h, replace, setText, setAttrKey, bdi } from './dom.js';
import { setTitle } from './i18n.js';
import {
  field, enumOptions, loadingState, errorState, emptyState, formAlert, clearErrors, showFormError, markInvalid,
  canWriteReferrals, personName, enumText, DIRECTIONS, URGENCIES, CARE, SEXES, PACKET_FIELDS, CLOSED_STATUSES,
} from './ui.js';
import { meter, score, checklistKey } from './completeness.js';
import { loadPartnerOptions } from './referrals.js';
import { typeahead } from './typeahead.js';

const PATIENT_FIELDS = ['mrn', 'given', 'family', 'birth_date', 'sex', 'phone', 'language', 'payer'];
const MAX_DIAGNOSES = 12;

export function render(main, ctx) {
  const editing = !!ctx.params.id;
  const titleKey = editing ? 'rform.edit_title' : 'rform.new_title';
  setTitle(titleKey);
  const wrap = h('section', { class: 'page' });
  replace(main, wrap);

  if (!canWriteReferrals(ctx.user)) {
    replace(wrap, h('h1', { tabindex: '-1', i18n: titleKey }), emptyState('error.forbidden', 'rform.no_access'));
    return;
  }
  if (!editing) {
    draw(null);
    return;
  }
  replace(wrap, h('h1', { tabindex: '-1', i18n: titleKey }), loadingState());
  const load = async () => {
    try {
      const r = await api.get(`/referrals/${ctx.params.id}`, { signal: ctx.signal });
      draw(r);
      wrap.querySelector('h1').focus();
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(wrap, h('h1', { tabindex: '-1', i18n: titleKey }), errorState(err, load));
    }
  };
  load();

  function draw(r) {
    const v = r || {};
    const packet = v.packet || {};
    const q = ctx.query;
    if (r) setTitle(titleKey, personName(r.patient) || null);
    if (r && CLOSED_STATUSES.has(r.status)) {
      replace(wrap,
        h('p', { class: 'back' }, h('a', { href: `/referrals/${r.id}`, i18n: 'rform.back_to_referral' })),
        h('h1', { tabindex: '-1', i18n: titleKey }),
        emptyState('rform.closed', 'rform.closed_hint'));
      return;
    }

    const f = {};
    if (!r) f.direction = field({ name: 'direction', label: 'referral.direction', as: 'select', required: true, value: DIRECTIONS.includes(q.get('direction')) ? q.get('direction') : 'outbound', options: enumOptions('direction', DIRECTIONS) });
    // The partner is chosen when the referral is created (PATCH does not take it).
    if (!r) f.partner_id = field({ name: 'partner_id', label: 'referral.partner', as: 'select', required: true, value: '', options: [['', 'rform.choose_partner']] });
    f.urgency = field({ name: 'urgency', label: 'referral.urgency', as: 'select', value: v.urgency || 'routine', options: enumOptions('urgency', URGENCIES) });
    if (v.urgency && !URGENCIES.includes(v.urgency)) {
      // An urgency class an admin added: keep it selectable.
      const sel = f.urgency.querySelector('select');
      sel.append(h('option', { value: v.urgency, dir: 'auto', text: v.urgency, selected: true }));
      sel.value = v.urgency;
    }
    f.specialty = field({ name: 'specialty', label: 'referral.specialty', value: v.specialty, dir: 'auto', autocomplete: 'off', hint: 'rform.hint_specialty', maxlength: 200 });
    f.care_responsibility = field({ name: 'care_responsibility', label: 'referral.care_responsibility', as: 'select', value: v.care_responsibility || 'consult', options: enumOptions('care', CARE) });
    if (!r) {
      f['patient.mrn'] = field({ name: 'patient.mrn', label: 'patient.mrn', dir: 'ltr', autocomplete: 'off', hint: 'rform.hint_mrn', maxlength: 64 });
      f['patient.given'] = field({ name: 'patient.given', label: 'patient.given', required: true, dir: 'auto', autocomplete: 'off', maxlength: 200 });
      f['patient.family'] = field({ name: 'patient.family', label: 'patient.family', required: true, dir: 'auto', autocomplete: 'off', maxlength: 200 });
      f['patient.birth_date'] = field({ name: 'patient.birth_date', label: 'patient.birth_date', type: 'date', dir: 'ltr' });
      f['patient.sex'] = field({ name: 'patient.sex', label: 'patient.sex', as: 'select', value: '', options: enumOptions('sex', SEXES, { blank: 'rform.not_stated' }) });
      f['patient.phone'] = field({ name: 'patient.phone', label: 'patient.phone', type: 'tel', dir: 'ltr', autocomplete: 'off', maxlength: 40 });
      f['patient.language'] = field({ name: 'patient.language', label: 'patient.language', dir: 'ltr', autocomplete: 'off', hint: 'rform.hint_language', maxlength: 35 });
      f['patient.payer'] = field({ name: 'patient.payer', label: 'patient.payer', dir: 'auto', autocomplete: 'off', maxlength: 100 });
    }
    f.reason = field({ name: 'reason', label: 'packet_item.reason', value: v.reason, dir: 'auto', autocomplete: 'off', class: 'span-2', hint: 'rform.hint_reason' });
    for (const k of PACKET_FIELDS) {
      f[`packet.${k}`] = field({ name: `packet.${k}`, label: `packet_item.${k}`, as: 'textarea', rows: 3, value: packet[k], dir: 'auto', class: 'span-2', hint: `rform.hint_${k}`, maxlength: 20000 });
    }
    const ctl = (name) => f[name].querySelector('input,select,textarea');

    // Diagnoses: one ICD-10 code per row.
    const dxRows = [];
    const dxList = h('div', { class: 'dx-rows' });
    const addDx = h('button', { type: 'button', class: 'btn btn-small', i18n: 'rform.add_diagnosis' });
    function renumberDx() {
      dxRows.forEach((row, i) => {
        setText(row.label, 'rform.diagnosis_n', { n: i + 1 });
        setText(row.removeText, 'rform.remove_diagnosis_n', { n: i + 1 });
      });
      addDx.disabled = dxRows.length >= MAX_DIAGNOSES;
    }
    // Each code's description: the stored ones from the referral, the rest
    // as they are picked or typed (looked up in the server's ICD-10-CM table).
    const described = new Map((v.diagnoses_detail || []).map((d) => [d.code, d.description]));
    const dxNorm = (s) => {
      const c = s.trim().toUpperCase().replace('.', '');
      return c.length > 3 ? `${c.slice(0, 3)}.${c.slice(3)}` : c;
    };
    const CODE_SHAPE = /^[A-Z][0-9A-Z]{2}(\.[0-9A-Z]{1,4})?$/;
    async function lookupCode(code, signal) {
      if (described.has(code)) return described.get(code);
      const res = await api.get(`/codes/icd10${api.query({ q: code, limit: 1 })}`, { signal });
      const hit = res.items.find((x) => x.code === code);
      const d = hit ? hit.description : null;
      described.set(code, d);
      return d;
    }
    const searchCodes = async (q, signal) => {
      const res = await api.get(`/codes/icd10${api.query({ q, limit: 12 })}`, { signal });
      for (const x of res.items) described.set(x.code, x.description);
      return res.items.map((x) => ({ value: x.code, label: x.code, detail: x.description }));
    };
    function addDxRow(code = '', focus = false, after = null) {
      const fl = field({ name: 'diagnosis', label: 'rform.diagnosis_n', labelVars: { n: dxRows.length + 1 }, value: code, dir: 'auto', autocomplete: 'off', maxlength: 200, class: 'dx-field' });
      const input = fl.querySelector('input');
      input.setAttribute('spellcheck', 'false');
      setAttrKey(input, 'placeholder', 'rform.dx_placeholder');
      const desc = h('p', { class: 'dx-desc', lang: 'en', dir: 'ltr' });
      fl.append(desc);
      let descCtrl = null;
      async function showDescription() {
        if (descCtrl) descCtrl.abort();
        const raw = input.value.trim();
        desc.classList.remove('dx-unknown');
        if (!raw) { replace(desc); return; }
        const c = dxNorm(raw);
        if (!CODE_SHAPE.test(c)) { replace(desc); return; }
        descCtrl = new AbortController();
        try {
          const d = await lookupCode(c, descCtrl.signal);
          if (dxNorm(input.value) !== c) return;
          if (d) {
            desc.removeAttribute('data-i18n');
            desc.setAttribute('lang', 'en');
            desc.textContent = d;
          } else {
            desc.classList.add('dx-unknown');
            desc.removeAttribute('lang');
            setText(desc, 'rform.dx_unknown', { code: c });
          }
        } catch (err) {
          if (err.name !== 'AbortError') replace(desc);
        }
      }
      typeahead(input, { search: searchCodes, lang: 'en', emptyKey: 'rform.dx_none', onPick: () => showDescription() });
      input.addEventListener('change', showDescription);
      if (code) showDescription();
      const removeText = h('span', { class: 'visually-hidden' });
      const remove = h('button', { type: 'button', class: 'btn btn-quiet btn-small dx-remove' }, h('span', { 'aria-hidden': 'true', i18n: 'action.remove' }), removeText);
      const row = { el: h('div', { class: 'dx-row' }, fl, remove), input, label: fl.querySelector('.label-text'), removeText };
      remove.addEventListener('click', () => {
        dxRows.splice(dxRows.indexOf(row), 1);
        row.el.remove();
        if (dxRows.length === 0) addDxRow('');
        renumberDx();
        recompute();
        addDx.focus();
      });
      input.addEventListener('input', recompute);
      // A pasted list ("I20.9, E11.9") becomes one row per code.
      input.addEventListener('change', () => {
        const parts = input.value.split(/[\s,،;]+/).filter(Boolean);
        if (parts.length < 2) return;
        input.value = parts[0];
        showDescription();
        let prev = row;
        for (const c of parts.slice(1)) {
          if (dxRows.length >= MAX_DIAGNOSES) break;
          prev = addDxRow(c, false, prev);
        }
        renumberDx();
        recompute();
      });
      if (after) {
        dxRows.splice(dxRows.indexOf(after) + 1, 0, row);
        after.el.after(row.el);
      } else {
        dxRows.push(row);
        dxList.append(row.el);
      }
      renumberDx();
      if (focus) input.focus();
      return row;
    }
    const dxValues = () => dxRows.map((row) => row.input.value.trim());
    (v.diagnoses && v.diagnoses.length ? v.diagnoses : ['']).forEach((c) => addDxRow(c));
    addDx.addEventListener('click', () => addDxRow('', true));
    const dxGroup = h('fieldset', { class: 'dx-group span-2' },
      h('legend', { class: 'dx-legend' }, h('span', { i18n: 'packet_item.diagnoses' })),
      h('p', { class: 'hint', i18n: 'rform.hint_diagnoses' }),
      dxList, h('div', {}, addDx));

    // The live meter.
    const m = meter({ live: true });
    let partners = [];
    function specialtyForChecklist() {
      // The server scores with the typed specialty; a new outbound referral
      // without one takes the partner's.
      const typed = ctl('specialty').value.trim();
      if (typed || r) return typed;
      if (ctl('direction').value !== 'outbound') return '';
      const p = partners.find((x) => String(x.id) === ctl('partner_id').value);
      return p ? p.specialty || '' : '';
    }
    function present() {
      const s = new Set();
      if (ctl('reason').value.trim()) s.add('reason');
      if (dxValues().some(Boolean)) s.add('diagnoses');
      for (const k of PACKET_FIELDS) if (ctl(`packet.${k}`).value.trim()) s.add(k);
      if (r && (r.documents || []).length) s.add('attachments');
      return s;
    }
    function recompute() {
      const spec = specialtyForChecklist();
      const beforeSend = r ? r.status === 'draft' : ctl('direction').value === 'outbound';
      m.update(score(spec, present()), checklistKey(spec), { beforeSend });
    }

    const alert = formAlert();
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: r ? 'rform.save' : 'rform.create' });
    const cancelHref = r ? `/referrals/${r.id}` : (q.get('partner_id') ? `/partners/${q.get('partner_id')}` : '/referrals');
    const section = (key, ...children) => h('fieldset', { class: 'form-section' }, h('legend', { i18n: key }), ...children);
    const patientSection = r
      ? section('rform.section_patient', h('p', { class: 'readonly-patient' }, bdi(personName(r.patient)),
        r.patient && r.patient.mrn && h('span', { class: 'muted ltr', text: ` · ${r.patient.mrn}` })),
      h('p', { class: 'hint', i18n: 'rform.patient_fixed' }))
      : section('rform.section_patient', h('div', { class: 'form-grid' }, PATIENT_FIELDS.map((k) => f[`patient.${k}`])));
    const form = h('form', { class: 'form referral-form', novalidate: true, 'aria-labelledby': 'form-title' },
      alert,
      section('rform.section_referral', h('div', { class: 'form-grid' },
        r ? h('div', { class: 'field' }, h('span', { class: 'label-like', i18n: 'referral.direction' }), enumText('direction', r.direction)) : f.direction,
        r ? h('div', { class: 'field' }, h('span', { class: 'label-like', i18n: 'referral.partner' }), h('span', { dir: 'auto', text: r.partner_name || `#${r.partner_id}` })) : f.partner_id,
        f.urgency, f.care_responsibility, f.specialty)),
      patientSection,
      section('rform.section_packet', h('div', { class: 'form-grid' },
        f.reason, dxGroup, PACKET_FIELDS.map((k) => f[`packet.${k}`]))),
      h('div', { class: 'form-actions' }, submit, h('a', { href: cancelHref, class: 'btn btn-quiet', i18n: 'action.cancel' })));
    const aside = h('aside', { class: 'card form-aside', 'i18n-aria-label': 'completeness.title' }, m.el,
      h('p', { class: 'hint', i18n: 'completeness.preview_note' }));

    for (const el of form.querySelectorAll('input, textarea, select')) {
      el.addEventListener('input', recompute);
      el.addEventListener('change', recompute);
    }

    let rowOf = [];
    function collect() {
      const body = {};
      if (!r) {
        body.direction = ctl('direction').value;
        const pid = ctl('partner_id').value;
        if (pid) body.partner_id = Number(pid);
      }
      body.urgency = ctl('urgency').value;
      body.care_responsibility = ctl('care_responsibility').value;
      const spec = ctl('specialty').value.trim();
      if (spec) body.specialty = spec;
      else if (r) body.specialty = null;
      if (!r) {
        const patient = {};
        for (const k of PATIENT_FIELDS) {
          const s = ctl(`patient.${k}`).value.trim();
          if (s) patient[k] = s;
        }
        body.patient = patient;
      }
      const reason = ctl('reason').value.trim();
      if (reason) body.reason = reason;
      else if (r) body.reason = null;
      rowOf = [];
      const dx = [];
      for (const row of dxRows) {
        const c = row.input.value.trim();
        if (!c) continue;
        dx.push(c);
        rowOf.push(row);
      }
      body.diagnoses = dx;
      const pk = {};
      for (const k of PACKET_FIELDS) {
        const s = ctl(`packet.${k}`).value;
        if (s.trim()) pk[k] = s;
        else if (r) pk[k] = null;
      }
      if (Object.keys(pk).length) body.packet = pk;
      return body;
    }

    // An API field name to the control that shows its error.
    function resolve(name) {
      const m2 = name.match(/^diagnoses(?:\[(\d+)\])?$/);
      if (m2) {
        const row = m2[1] !== undefined ? rowOf[Number(m2[1])] : rowOf[0];
        return row ? row.input : dxRows[0].input;
      }
      if (name === 'patient') return f['patient.given'] ? ctl('patient.given') : null;
      if (name === 'packet') return ctl(`packet.${PACKET_FIELDS[0]}`);
      return f[name] ? ctl(name) : null;
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const body = collect();
      const missing = [];
      if (!r && !body.partner_id) missing.push('partner_id');
      if (!r && !body.patient.given) missing.push('patient.given');
      if (!r && !body.patient.family) missing.push('patient.family');
      if (missing.length) {
        missing.forEach((name) => markInvalid(ctl(name), { key: 'error.required' }));
        ctl(missing[0]).focus();
        return;
      }
      submit.disabled = true;
      try {
        const saved = r ? await api.patch(`/referrals/${r.id}`, body) : await api.post('/referrals', body);
        ctx.navigate(`/referrals/${saved.id}`);
      } catch (err) {
        if (err.name === 'AbortError') return;
        submit.disabled = false;
        showFormError(form, err, resolve);
      }
    });

    if (!r) {
      const partnerPre = q.get('partner_id') || '';
      if (partnerPre) {
        const sel = ctl('partner_id');
        sel.append(h('option', { value: partnerPre, text: `#${partnerPre}` }));
        sel.value = partnerPre;
      }
      loadPartnerOptions(ctl('partner_id'), partnerPre, ctx.signal, { blank: 'rform.choose_partner' })
        .then((items) => { partners = items; recompute(); })
        .catch(() => { /* the select keeps the preselected partner */ });
    }

    replace(wrap,
      h('p', { class: 'back' }, h('a', { href: cancelHref, i18n: r ? 'rform.back_to_referral' : (q.get('partner_id') ? 'form.back_to_partner' : 'referrals.back') })),
      h('h1', { id: 'form-title', tabindex: '-1', i18n: titleKey }),
      r && h('p', { class: 'subtitle' }, bdi(personName(r.patient))),
      h('p', { class: 'muted', i18n: 'form.required_note' }),
      h('div', { class: 'form-layout' }, form, aside));
    recompute();
  }
}
