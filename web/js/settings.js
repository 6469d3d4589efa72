// settings: the administrators' screen (/settings) for the practice's rules
// (docs/api.md "Settings"):
//   - the default check-in cadence of each stage (GET/PUT /settings/cadence);
//   - the service levels (GET/PUT /settings/service-levels): the urgency
//     classes and their targets read-only, the working days, holidays and
//     local time (UTC offset) editable; the PUT sends the classes back as
//     they came;
//   - the packet checklists per receiving specialty: each one can be set
//     (PUT /settings/checklists), a new specialty added.
// Everyone signed in may read the settings through the API, but only admins
// (settings.manage) get this screen; others see the "not allowed" state.
import * as api from './api.js';
import { h, replace, uid } from './dom.js';
import { setTitle, iso } from './i18n.js';
import {
  field, STAGES, loadingState, errorState, emptyState, formAlert, clearErrors, showFormError, markInvalid,
  announce, dlRow, enumText, dateOnly, canManageSettings,
} from './ui.js';

// The stages with a default cadence (lost partners never have check-ins).
const CADENCE_STAGES = STAGES.filter((s) => s !== 'lost');
const STEPS = ['acknowledge', 'schedule', 'see', 'report'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MAX_HOLIDAYS = 64;
const HOLIDAY_YEARS_AROUND = 2;

// A holiday years away from today: kept, but marked so that its year is checked.
const farTag = () => h('span', { class: 'badge badge-warn holiday-far', i18n: 'settings.holiday_far' });
// The packet items a checklist may require (src/domain/completeness.c).
const PACKET_ITEMS = ['reason', 'diagnoses', 'history', 'medications', 'allergies', 'results', 'treatment', 'question',
  'attachments'];

export function render(main, ctx) {
  setTitle('settings.title');
  const h1 = h('h1', { tabindex: '-1', i18n: 'settings.title' });
  const body = h('div', { class: 'settings-body' });
  replace(main, h('section', { class: 'page narrow settings' }, h1, body));

  if (!canManageSettings(ctx.user)) {
    replace(body, emptyState('error.forbidden', 'settings.no_access'));
    return;
  }
  replace(body, loadingState());
  const load = async () => {
    try {
      const [cadence, sla, checklists] = await Promise.all([
        api.get('/settings/cadence', { signal: ctx.signal }),
        api.get('/settings/service-levels', { signal: ctx.signal }),
        api.get('/settings/checklists', { signal: ctx.signal }),
      ]);
      replace(body,
        h('p', { class: 'muted', i18n: 'settings.intro' }),
        cadenceCard(cadence),
        slaCard(sla),
        checklistCard(checklists));
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(body, errorState(err, load));
    }
  };
  load();
}

// A visible status line that screen readers announce (role=status).
function statusLine() {
  return h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
}

function cadenceCard(values) {
  const fields = {};
  for (const s of CADENCE_STAGES) {
    fields[s] = field({
      name: s, label: `stage.${s}`, type: 'number', min: 0, max: 365, inputmode: 'numeric', dir: 'ltr',
      value: values[s] ?? '', hint: 'settings.cadence_hint', required: true, mark: false, autocomplete: 'off',
    });
  }
  const ctl = (s) => fields[s].querySelector('input');
  const alert = formAlert();
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'settings.save_cadence' });
  const form = h('form', { class: 'form cadence-form', novalidate: true, 'aria-labelledby': 'cadence-title' },
    alert,
    h('div', { class: 'form-grid cadence-grid' }, CADENCE_STAGES.map((s) => fields[s])),
    h('div', { class: 'form-actions' }, submit, status));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(status);
    const body = {};
    let first = null;
    for (const s of CADENCE_STAGES) {
      const v = ctl(s).value.trim();
      if (v === '') {
        markInvalid(ctl(s), { key: 'error.required' });
        first = first || ctl(s);
      } else {
        body[s] = Number(v);
      }
    }
    if (first) {
      first.focus();
      return;
    }
    submit.disabled = true;
    try {
      const saved = await api.put('/settings/cadence', body);
      for (const s of CADENCE_STAGES) ctl(s).value = saved[s] ?? '';
      announce(status, 'settings.cadence_saved');
    } catch (err) {
      if (err.name === 'AbortError') return;
      showFormError(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  return h('section', { class: 'card settings-card', 'aria-labelledby': 'cadence-title' },
    h('h2', { id: 'cadence-title', i18n: 'settings.cadence_title' }),
    h('p', { class: 'muted', i18n: 'settings.cadence_help' }),
    form);
}

// A target's time: whole days, hours or minutes.
function duration(min) {
  if (min % 1440 === 0) return h('span', { i18n: 'sla.days', vars: { count: min / 1440 } });
  if (min % 60 === 0) return h('span', { i18n: 'sla.hours', vars: { count: min / 60 } });
  return h('span', { i18n: 'sla.minutes', vars: { count: min } });
}

// {minutes, clock} in words: "4 hours", "2 days (working days only)",
// "Same day".
function target(t) {
  if (!t) return h('span', { class: 'muted', i18n: 'value.none' });
  if (t.clock === 'end_of_day') {
    return t.minutes ? h('span', {}, h('span', { i18n: 'sla.end_of_day_after' }), ' ', duration(t.minutes))
      : h('span', { i18n: 'sla.same_day' });
  }
  if (!t.minutes) return h('span', { i18n: 'sla.at_once' });
  if (t.clock === 'business') return h('span', {}, duration(t.minutes), ' ', h('span', { class: 'muted', i18n: 'sla.working_time' }));
  return duration(t.minutes);
}

// -180 → "−03:00"; 330 → "+05:30".
function offsetText(min) {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

function slaCard(initial) {
  let current = initial;
  const summary = h('div', { class: 'sla-summary' });
  const live = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  function drawSummary() {
    replace(summary,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'table compact sla-table' },
          h('caption', { class: 'visually-hidden', i18n: 'settings.targets_caption' }),
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col', i18n: 'settings.urgency' }),
            STEPS.map((s) => h('th', { scope: 'col', i18n: `step.${s}` })))),
          h('tbody', {}, current.urgencies.map((u) => h('tr', { dataset: { urgency: u.name } },
            h('th', { scope: 'row' }, enumText('urgency', u.name)),
            STEPS.map((s) => h('td', { dataset: { step: s } }, target(u[s])))))))),
      h('dl', { class: 'dl sla-dl' },
        dlRow('settings.working_week', current.weekdays.length
          ? h('ul', { class: 'inline-list weekday-list' }, current.weekdays.map((d) => h('li', { i18n: `weekday.${d}` }))) : null),
        dlRow('settings.holidays', current.holidays.length
          ? h('ul', { class: 'inline-list holiday-summary' }, current.holidays.map((d, i) => h('li', {}, dateOnly(d),
            (current.warnings || []).some((w) => w.code === 'holiday_far' && w.field === `holidays[${i}]`) && farTag())))
          : h('span', { class: 'muted', i18n: 'settings.no_holidays' })),
        dlRow('settings.utc_offset', h('span', { i18n: 'settings.utc_offset_value', vars: { offset: iso(offsetText(current.utc_offset_minutes || 0)) } }))));
  }
  drawSummary();

  // The editing form: a checkbox per weekday and the holiday list.
  const dayFields = {};
  for (const d of DAYS) dayFields[d] = field({ name: `weekday-${d}`, label: `weekday.${d}`, type: 'checkbox', value: current.weekdays.includes(d) });
  const dayBox = (d) => dayFields[d].querySelector('input');
  let pending = [...current.holidays].sort();

  const dateField = field({ name: 'holiday_date', label: 'settings.holiday_date', type: 'date', dir: 'ltr' });
  const dateInput = dateField.querySelector('input');
  const addBtn = h('button', { type: 'button', class: 'btn', i18n: 'settings.add_holiday' });
  const holidayBody = h('tbody', {});
  const holidayTable = h('div', { class: 'table-wrap' },
    h('table', { class: 'table compact holiday-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', i18n: 'settings.holiday_date_col' }),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', i18n: 'settings.holiday_actions_col' })))),
      holidayBody));
  const noHolidays = h('p', { class: 'muted', i18n: 'settings.no_holidays' });

  // The server's rule (domain/dates.h HOLIDAY_YEARS_AROUND), shown before
  // saving: a holiday years away is most often a mistyped year.
  function holidayFar(d) {
    const y = Number(d.slice(0, 4)), now = new Date().getUTCFullYear();
    return y < now - HOLIDAY_YEARS_AROUND || y > now + HOLIDAY_YEARS_AROUND;
  }

  function drawHolidays() {
    replace(holidayBody, pending.map((d) => {
      const remove = h('button', { type: 'button', class: 'btn btn-quiet btn-small', dataset: { date: d } },
        h('span', { i18n: 'action.remove' }),
        h('span', { class: 'visually-hidden' }, ' ', dateOnly(d)));
      remove.addEventListener('click', () => {
        const i = pending.indexOf(d);
        pending.splice(i, 1);
        drawHolidays();
        const next = holidayBody.querySelectorAll('button')[Math.min(i, pending.length - 1)];
        (next || dateInput).focus();
        announce(live, 'settings.holiday_removed');
      });
      return h('tr', { dataset: { date: d } }, h('td', {}, dateOnly(d), holidayFar(d) && farTag()), h('td', { class: 'cell-actions' }, remove));
    }));
    holidayTable.hidden = pending.length === 0;
    noHolidays.hidden = pending.length > 0;
    addBtn.disabled = pending.length >= MAX_HOLIDAYS;
  }
  drawHolidays();

  function addHoliday() {
    clearErrors(dateField);
    const d = dateInput.value;
    if (!d) {
      markInvalid(dateInput, { key: 'error.required' }).focus();
      return;
    }
    if (pending.includes(d)) {
      markInvalid(dateInput, { key: 'settings.holiday_duplicate' }).focus();
      return;
    }
    if (pending.length >= MAX_HOLIDAYS) {
      markInvalid(dateInput, { key: 'settings.holiday_limit' }).focus();
      return;
    }
    pending.push(d);
    pending.sort();
    drawHolidays();
    dateInput.value = '';
    dateInput.focus();
    announce(live, 'settings.holiday_added');
  }
  addBtn.addEventListener('click', addHoliday);
  dateInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      addHoliday();
    }
  });

  // The local time the practice keeps ("same day" ends at its midnight;
  // holidays are its dates): every UTC offset from -12:00 to +14:00 in
  // quarter hours.
  const offsets = [];
  for (let m = -720; m <= 840; m += 15) offsets.push([String(m), 'settings.utc_offset_value', { offset: iso(offsetText(m)) }]);
  const offsetField = field({
    name: 'utc_offset_minutes', label: 'settings.utc_offset', as: 'select', options: offsets,
    value: String(current.utc_offset_minutes || 0), hint: 'settings.utc_offset_hint', dir: 'ltr',
  });
  const offsetSelect = offsetField.querySelector('select');

  const alert = formAlert();
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'settings.save_calendar' });
  const daysLegend = uid('days');
  const form = h('form', { class: 'form calendar-form', novalidate: true, 'aria-labelledby': 'calendar-title' },
    alert,
    h('fieldset', { class: 'form-section weekday-set', 'aria-labelledby': daysLegend },
      h('legend', { id: daysLegend, i18n: 'settings.working_days' }),
      h('div', { class: 'weekday-grid' }, DAYS.map((d) => dayFields[d]))),
    h('fieldset', { class: 'form-section holiday-set' },
      h('legend', { i18n: 'settings.holidays' }),
      noHolidays,
      holidayTable,
      h('div', { class: 'holiday-add' }, dateField, addBtn),
      h('p', { class: 'hint', i18n: 'settings.calendar_note' })),
    offsetField,
    h('div', { class: 'form-actions' }, submit, status));

  // An API field name to the control that shows its error.
  function resolve(name) {
    if (/^weekdays(\[\d+\])?$/.test(name)) return dayBox(DAYS.find((d) => dayBox(d).checked) || 'sun');
    if (/^holidays(\[\d+\])?$/.test(name)) return dateInput;
    if (name === 'utc_offset_minutes') return offsetSelect;
    return null;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(status);
    const weekdays = DAYS.filter((d) => dayBox(d).checked);
    if (!weekdays.length) {
      markInvalid(dayBox('sun'), { key: 'settings.weekdays_required' }).focus();
      return;
    }
    // The urgency classes go back as they came.
    const body = { ...current, weekdays, holidays: [...pending], utc_offset_minutes: Number(offsetSelect.value) };
    submit.disabled = true;
    try {
      current = await api.put('/settings/service-levels', body);
      pending = [...current.holidays].sort();
      for (const d of DAYS) dayBox(d).checked = current.weekdays.includes(d);
      offsetSelect.value = String(current.utc_offset_minutes || 0);
      drawHolidays();
      drawSummary();
      announce(status, 'settings.calendar_saved');
    } catch (err) {
      if (err.name === 'AbortError') return;
      showFormError(form, err, resolve);
    } finally {
      submit.disabled = false;
    }
  });

  return h('section', { class: 'card settings-card', 'aria-labelledby': 'sla-title' },
    h('h2', { id: 'sla-title', i18n: 'settings.sla_title' }),
    h('p', { class: 'muted', i18n: 'settings.sla_help' }),
    summary,
    h('h3', { id: 'calendar-title', i18n: 'settings.calendar_title' }),
    form,
    live);
}

// The packet checklists: the table of every specialty's required items, and
// a form that sets one specialty's (PUT /settings/checklists); "Edit" on a
// row fills the form with it. Weights of items that stay required are kept.
function checklistCard(initial) {
  let data = initial;
  const tbody = h('tbody', {});
  const specialtyField = field({
    name: 'checklist_specialty', label: 'settings.specialty', required: true, maxlength: 100, dir: 'auto',
    hint: 'settings.checklist_specialty_hint', autocomplete: 'off',
  });
  const specialtyInput = specialtyField.querySelector('input');
  const itemFields = {};
  for (const item of PACKET_ITEMS) itemFields[item] = field({ name: `item-${item}`, label: `packet_item.${item}`, type: 'checkbox' });
  const itemBox = (item) => itemFields[item].querySelector('input');

  const fill = (key) => {
    const c = data.checklists[key];
    specialtyInput.value = key;
    for (const item of PACKET_ITEMS) itemBox(item).checked = !!c && (c.required || []).includes(item);
  };

  function drawTable() {
    replace(tbody, Object.entries(data.checklists || {}).map(([specialty, c]) => {
      const edit = h('button', { type: 'button', class: 'btn btn-quiet btn-small', dataset: { specialty } },
        h('span', { i18n: 'action.edit' }),
        h('span', { class: 'visually-hidden' }, ' ', enumText('checklist', specialty)));
      edit.addEventListener('click', () => {
        clearErrors(form);
        fill(specialty);
        itemBox(PACKET_ITEMS[0]).focus();
      });
      return h('tr', { dataset: { specialty } },
        h('th', { scope: 'row' }, enumText('checklist', specialty)),
        h('td', {}, (c.required || []).length
          ? h('ul', { class: 'inline-list' }, c.required.map((item) => h('li', {},
            enumText('packet_item', item),
            c.weights && c.weights[item] ? [' ', h('span', { class: 'muted', i18n: 'settings.weight', vars: { weight: c.weights[item] } })] : null)))
          : h('span', { class: 'muted', i18n: 'value.none' })),
        h('td', { class: 'cell-actions' }, edit));
    }));
  }
  drawTable();
  // Typing the name of a specialty that has a checklist shows its items.
  specialtyInput.addEventListener('change', () => {
    const key = specialtyInput.value.trim().toLowerCase();
    if (data.checklists[key]) fill(key);
  });

  const alert = formAlert();
  const status = statusLine();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'settings.save_checklist' });
  const itemsLegend = uid('items');
  const form = h('form', { class: 'form checklist-form', novalidate: true, 'aria-labelledby': 'checklist-form-title' },
    alert,
    specialtyField,
    h('fieldset', { class: 'form-section item-set', 'aria-labelledby': itemsLegend },
      h('legend', { id: itemsLegend, i18n: 'settings.required_items' }),
      h('div', { class: 'weekday-grid item-grid' }, PACKET_ITEMS.map((item) => itemFields[item]))),
    h('div', { class: 'form-actions' }, submit, status));

  function resolve(name) {
    if (name === 'specialty') return specialtyInput;
    if (/^checklist/.test(name)) return itemBox(PACKET_ITEMS.find((i) => itemBox(i).checked) || PACKET_ITEMS[0]);
    return null;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(status);
    const specialty = specialtyInput.value.trim();
    if (!specialty) {
      markInvalid(specialtyInput, { key: 'error.required' }).focus();
      return;
    }
    const required = PACKET_ITEMS.filter((i) => itemBox(i).checked);
    if (!required.length) {
      // An empty checklist would score every packet 100 % (the server refuses it too).
      markInvalid(itemBox(PACKET_ITEMS[0]), { key: 'settings.items_required' }).focus();
      return;
    }
    const before = data.checklists[specialty.toLowerCase()];
    const weights = {};
    for (const i of required) if (before && before.weights && before.weights[i]) weights[i] = before.weights[i];
    submit.disabled = true;
    try {
      data = await api.put('/settings/checklists', { specialty, checklist: { required, weights } });
      drawTable();
      announce(status, 'settings.checklist_saved');
    } catch (err) {
      if (err.name === 'AbortError') return;
      showFormError(form, err, resolve);
    } finally {
      submit.disabled = false;
    }
  });

  return h('section', { class: 'card settings-card', 'aria-labelledby': 'checklists-title' },
    h('h2', { id: 'checklists-title', i18n: 'settings.checklists_title' }),
    h('p', { class: 'muted', i18n: 'settings.checklists_help', vars: { threshold: data.threshold } }),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table compact checklist-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', i18n: 'settings.specialty' }),
          h('th', { scope: 'col', i18n: 'settings.required_items' }),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', i18n: 'settings.checklist_actions_col' })))),
        tbody)),
    h('h3', { id: 'checklist-form-title', i18n: 'settings.checklist_form_title' }),
    h('p', { class: 'muted', i18n: 'settings.checklist_form_help' }),
    form);
}
