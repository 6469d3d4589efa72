// ui: the shared components of every screen — form fields with labels, hints
// and inline errors; badges for enumerated values; loading, empty and error
// states; the confirm dialog. One vocabulary: every string is a key.
import { h, setText, uid, replace, bdi } from './dom.js';
import { iso } from './i18n.js';

export const KINDS = ['physician', 'practice', 'hospital', 'clinic', 'imaging', 'laboratory', 'therapy', 'home_health', 'pharmacy', 'other'];
export const STAGES = ['prospect', 'contacted', 'meeting', 'active', 'inactive', 'lost'];
export const SCHEMES = ['npi', 'scfhs', 'license', 'facility', 'other'];
export const CONTACT_ROLES = ['office_manager', 'referral_coordinator', 'physician', 'nurse', 'billing', 'other'];
export const CHANNELS = ['phone', 'email', 'fax', 'portal', 'message', 'in_person'];

const WRITERS = new Set(['admin', 'manager', 'liaison', 'coordinator']);
const READERS = new Set([...WRITERS, 'clinician']);
export const canWritePartners = (user) => !!user && WRITERS.has(user.role);
export const canReadPartners = (user) => !!user && READERS.has(user.role);

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
  return h('span', { class: ['badge', `badge-${prefix}`, `badge-${prefix}-${value}`, extra], i18n: `${prefix}.${value}` });
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
