// ui: the shared components of every screen — form fields with labels, hints
// and inline errors; badges for enumerated values; loading, empty and error
// states; the confirm dialog. One vocabulary: every string is a key.
import { h, setText, uid, replace, bdi } from './dom.js';
import { iso, has, formatDateTime, formatDate, getLang } from './i18n.js';

export const KINDS = ['physician', 'practice', 'hospital', 'clinic', 'imaging', 'laboratory', 'therapy', 'home_health', 'pharmacy', 'other'];
export const STAGES = ['prospect', 'contacted', 'meeting', 'active', 'inactive', 'lost'];
export const SCHEMES = ['npi', 'scfhs', 'license', 'facility', 'other'];
export const CONTACT_ROLES = ['office_manager', 'referral_coordinator', 'physician', 'nurse', 'billing', 'other'];
export const CHANNELS = ['phone', 'email', 'fax', 'portal', 'message', 'in_person'];

const WRITERS = new Set(['admin', 'manager', 'liaison', 'coordinator']);
const READERS = new Set([...WRITERS, 'clinician']);
export const canWritePartners = (user) => !!user && WRITERS.has(user.role);
export const canReadPartners = (user) => !!user && READERS.has(user.role);

// Referrals (docs/api.md, "Referrals"): every staff role lists them (without
// patient names for those who cannot read them); reading a referral, its
// packet, documents and patients, and changing it, are narrower.
export const DIRECTIONS = ['outbound', 'inbound'];
export const URGENCIES = ['routine', 'urgent', 'emergent'];
export const STATUSES = ['draft', 'sent', 'received', 'info_requested', 'accepted', 'waitlisted', 'declined', 'redirected',
  'scheduled', 'seen', 'completed', 'cancelled', 'expired', 'failed', 'entered_in_error'];
// No packet edits in these states (the server answers 409).
export const CLOSED_STATUSES = new Set(['declined', 'redirected', 'completed', 'cancelled', 'expired', 'failed', 'entered_in_error']);
export const CARE = ['consult', 'co_management', 'transfer'];
export const SEXES = ['female', 'male', 'other', 'unknown'];
export const PACKET_FIELDS = ['history', 'medications', 'allergies', 'results', 'treatment', 'question'];
const REF_LISTERS = new Set(['admin', 'manager', 'liaison', 'coordinator', 'clinician']);
const REF_READERS = new Set(['admin', 'manager', 'coordinator', 'clinician']);
const REF_WRITERS = new Set(['admin', 'coordinator', 'clinician']);
export const canListReferrals = (user) => !!user && REF_LISTERS.has(user.role);
export const canReadReferrals = (user) => !!user && REF_READERS.has(user.role);
export const canWriteReferrals = (user) => !!user && REF_WRITERS.has(user.role);
// Who may give a referral its assignee and receiving clinician
// (referrals.assign), and who may hold each (docs/api.md "Assignee").
const REF_ASSIGNERS = new Set(['admin', 'manager', 'coordinator', 'clinician']);
export const canAssignReferrals = (user) => !!user && REF_ASSIGNERS.has(user.role);
export const ASSIGNEE_ROLES = ['coordinator', 'clinician'];
export const RECEIVING_ROLES = ['clinician'];
// Settings (docs/api.md "Settings"): everyone signed in reads them, only
// admins (settings.manage) change them, and only admins get the screen.
export const canManageSettings = (user) => !!user && user.role === 'admin';
// People (docs/api.md "User administration"): admins only (users.manage).
export const canManageUsers = (user) => !!user && user.role === 'admin';

// A labelled control. opts: name (the API field, kept in data-field), label
// (key), type, as ('input' | 'textarea' | 'select'), options ([value, key] or
// [value, key, vars]), value, required, hint (key), dir, autocomplete,
// inputmode, maxlength, min, max, placeholder (key), class, mark (false: no
// "*" on a required field).
export function field(opts) {
  const id = opts.id || uid(opts.name ? opts.name.replace(/[^a-z0-9]+/gi, '-') : 'f');
  const hintId = opts.hint ? `${id}-hint` : null;
  const errId = `${id}-error`;
  let control;
  const common = {
    id,
    name: opts.name,
    dataset: { field: opts.name || '' },
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
    required: opts.required,
    'aria-required': opts.required ? 'true' : null,
    dir: opts.dir,
    autocomplete: opts.autocomplete,
    inputmode: opts.inputmode,
    maxlength: opts.maxlength,
    'i18n-placeholder': opts.placeholder,
  };
  if (opts.as === 'select') {
    control = h('select', common, (opts.options || []).map(([v, key, vars]) =>
      h('option', { value: v, i18n: key, vars, selected: String(opts.value ?? '') === String(v) })));
  } else if (opts.as === 'textarea') {
    control = h('textarea', { ...common, rows: opts.rows || 4 });
    control.value = opts.value ?? '';
  } else {
    control = h('input', { ...common, type: opts.type || 'text', min: opts.min, max: opts.max });
    if (opts.type === 'checkbox') control.checked = control.defaultChecked = !!opts.value;
    else control.value = opts.value ?? '';
  }
  const label = h('label', { for: id },
    h('span', { class: 'label-text', i18n: opts.label, vars: opts.labelVars }),
    opts.required && opts.mark !== false && h('span', { class: 'req', 'aria-hidden': 'true', text: '*' }));
  if (opts.type === 'checkbox') {
    return h('div', { class: ['field', 'field-check', opts.class] },
      h('div', { class: 'check-row' }, control, label),
      hintId && h('p', { class: 'hint', id: hintId, i18n: opts.hint }),
      h('p', { class: 'field-error', id: errId, hidden: true }));
  }
  return h('div', { class: ['field', opts.class] },
    label,
    control,
    hintId && h('p', { class: 'hint', id: hintId, i18n: opts.hint, vars: opts.hintVars }),
    h('p', { class: 'field-error', id: errId, hidden: true }));
}

export function enumOptions(prefix, values, { blank } = {}) {
  const opts = values.map((v) => [v, `${prefix}.${v}`]);
  if (blank) opts.unshift(['', blank]);
  return opts;
}

// The error paragraph that belongs to a control.
function errorFor(control) {
  const ids = (control.getAttribute('aria-describedby') || '').split(' ');
  const id = ids.find((x) => x.endsWith('-error'));
  return id ? document.getElementById(id) : null;
}

function labelText(control) {
  const label = control.id ? document.querySelector(`label[for="${CSS.escape(control.id)}"]`) : null;
  const text = label && label.querySelector('.label-text');
  return text ? text.textContent.trim() : '';
}

// Shows an error next to a control: a translated message (key) or the
// server's message. Returns the control.
export function markInvalid(control, { key, vars, serverMessage, field } = {}) {
  control.setAttribute('aria-invalid', 'true');
  const p = errorFor(control);
  if (p) {
    if (key) setText(p, key, vars);
    else setText(p, ...serverErrorText(serverMessage, field, labelText(control)));
    p.hidden = false;
  }
  return control;
}

// The server names the field and says what is wrong ("is not a valid NPI: …",
// "must be a phone number …"). English reads "<Label> <message>"; other
// languages say which field in their words and quote the server's detail.
function serverErrorText(message, field, label) {
  let m = String(message || '').trim();
  if (field && m.startsWith(field)) m = m.slice(field.length).replace(/^[\s:]+/, '');
  const isolated = iso(m);
  if (/^[a-z]/.test(m)) return ['error.field_invalid', { label, message: isolated }];
  return ['error.field_invalid_full', { label, message: isolated }];
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const p of form.querySelectorAll('.field-error')) {
    p.hidden = true;
    p.textContent = '';
    delete p.dataset.i18n;
  }
  for (const a of form.querySelectorAll('.form-alert')) {
    a.hidden = true;
    a.textContent = '';
    delete a.dataset.i18n;
  }
}

// Shows an ApiError on a form: next to the field it names when the form has
// that field (resolve maps API names to controls), else in the form's alert.
// Focuses the bad field (or the alert).
export function showFormError(form, err, resolve) {
  const field = err.field;
  let control = null;
  if (err.status === 422 && field) control = resolve ? resolve(field) : form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (control) {
    markInvalid(control, { serverMessage: err.message, field });
    control.focus();
    return control;
  }
  const alert = form.querySelector('.form-alert');
  if (alert) {
    if (err.status === 422 && err.message) setText(alert, 'error.validation', { message: iso(`${field ? `${field}: ` : ''}${err.message}`) });
    else setText(alert, errorKey(err));
    alert.hidden = false;
    alert.focus();
  }
  return null;
}

export function formAlert() {
  return h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
}

// The message key for an API error that is not about one field.
export function errorKey(err) {
  switch (err && err.code) {
    case 'network': return 'error.network';
    case 'forbidden': return 'error.forbidden';
    case 'last_admin': return 'error.last_admin';
    case 'password_change_required': return 'error.password_change_required';
    case 'not_found': return 'error.not_found';
    case 'conflict': return 'error.conflict';
    case 'csrf_failed': return 'error.csrf_failed';
    case 'rate_limited': return 'error.rate_limited';
    case 'unavailable': return 'error.unavailable';
    case 'too_large': return 'error.too_large';
    case 'unauthenticated': return 'error.unauthenticated';
    default: return 'error.generic';
  }
}

export function badge(prefix, value, extra) {
  const cls = ['badge', `badge-${prefix}`, `badge-${prefix}-${value}`, extra];
  // Values that are data (an admin's own urgency class) show as they are.
  if (!has(`${prefix}.${value}`)) return h('span', { class: cls, dir: 'auto', text: value });
  return h('span', { class: cls, i18n: `${prefix}.${value}` });
}

// The label of an enumerated value, or the value itself when it has none.
export function enumText(prefix, value) {
  return has(`${prefix}.${value}`) ? h('span', { i18n: `${prefix}.${value}` }) : h('span', { dir: 'auto', text: value });
}

// The red "Overdue" badge.
export function overdueBadge() {
  return h('span', { class: 'badge badge-overdue', i18n: 'due.overdue' });
}

// A person's name, given then family ("Layla Haddad").
export function personName(p) {
  return p ? [p.given, p.family].filter(Boolean).join(' ') : '';
}

// A <time> that follows the language (i18n.translateTree re-formats it).
export function dateTime(isoTime) {
  return isoTime ? h('time', { datetime: isoTime, dataset: { date: isoTime, dateKind: 'datetime' }, text: formatDateTime(isoTime) }) : null;
}

export function dateOnly(ymd) {
  return ymd ? h('time', { datetime: ymd, dataset: { date: ymd, dateKind: 'date' }, text: formatDate(ymd) }) : null;
}

// The size of a file in the language: 48 KB, 1.2 MB.
export function fileSize(bytes) {
  const units = ['byte', 'kilobyte', 'megabyte'];
  let n = Number(bytes) || 0;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; u += 1; }
  return new Intl.NumberFormat(getLang(), { style: 'unit', unit: units[u], unitDisplay: u ? 'short' : 'long', maximumFractionDigits: u ? 1 : 0 }).format(n);
}

export function loadingState(key = 'state.loading') {
  return h('div', { class: 'state state-loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('span', { i18n: key }));
}

export function emptyState(titleKey, bodyKey, action) {
  return h('div', { class: 'state state-empty', role: 'status' },
    h('p', { class: 'state-title', i18n: titleKey }),
    bodyKey && h('p', { class: 'state-body', i18n: bodyKey }),
    action);
}

export function errorState(err, retry) {
  return h('div', { class: 'state state-error', role: 'alert' },
    h('p', { class: 'state-title', i18n: errorKey(err) }),
    retry && h('button', { type: 'button', class: 'btn', i18n: 'action.retry', on: { click: retry } }));
}

// A modal confirm step (native <dialog>). Resolves true when confirmed.
export function confirmDialog({ title, body, vars, confirm, danger = true }) {
  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const bodyId = uid('dlg-body');
    let result = false;
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      h('h2', { id: titleId, i18n: title, vars }),
      h('p', { id: bodyId, i18n: body, vars }),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', i18n: 'action.cancel', on: { click: () => dlg.close() } }),
        h('button', { type: 'button', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], i18n: confirm,
          on: { click: () => { result = true; dlg.close(); } } })));
    const opener = document.activeElement;
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(result);
    });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('button').focus();
  });
}

// A small live region for "Saved", "Contact added" and the like.
export function announce(region, key, vars) {
  replace(region, h('span', { i18n: key, vars }));
}

// A definition-list row; value may be a node, text, or empty (shows "—").
export function dlRow(labelKey, value) {
  const empty = value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  return [
    h('dt', { i18n: labelKey }),
    h('dd', {}, empty ? h('span', { class: 'muted', i18n: 'value.none' }) : (typeof value === 'string' ? bdi(value) : value)),
  ];
}

export function splitList(s) {
  return String(s || '').split(/[,،]/).map((x) => x.trim()).filter(Boolean);
}
