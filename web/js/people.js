// people: the administrators' screen (/people) for the people who sign in
// (docs/api.md "User administration"):
//   - the list (GET /users, staff and then portal users) with each person's
//     role, whether they are active and whether they must change their
//     password;
//   - add a person with a temporary password (POST /users): they choose
//     their own at the first sign-in;
//   - change a role, deactivate (their sessions and tokens end at once) or
//     reactivate, and reset a password (PATCH /users/{id}).
// The server refuses what would leave no active admin (409 last_admin): the
// screen says so in the page's alert. Only admins (users.manage) get this
// screen; others see the "not allowed" state. Names and emails are user
// text, set with textContent only.
import * as api from './api.js';
import { h, replace, setText, uid } from './dom.js';
import { setTitle, iso } from './i18n.js';
import {
  field, enumOptions, loadingState, errorState, emptyState, formAlert, clearErrors, showFormError, markInvalid,
  announce, confirmDialog, errorKey, canManageUsers,
} from './ui.js';

const STAFF_ROLES = ['admin', 'manager', 'liaison', 'coordinator', 'clinician'];
const PASSWORD_MIN = 10;

async function fetchAll(signal) {
  const out = [];
  for (const role of [null, 'partner']) {
    let cursor = null;
    do {
      const data = await api.get(`/users${api.query({ role, limit: 500, cursor })}`, { signal });
      out.push(...(data.items || []));
      cursor = data.next_cursor;
    } while (cursor && out.length < 5000);
  }
  return out;
}

export function render(main, ctx) {
  setTitle('people.title');
  const h1 = h('h1', { tabindex: '-1', i18n: 'people.title' });
  const body = h('div', { class: 'people-body' });
  replace(main, h('section', { class: 'page people' }, h1, body));
  if (!canManageUsers(ctx.user)) {
    replace(body, emptyState('error.forbidden', 'people.no_access'));
    return;
  }
  const alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'results' }, loadingState());
  replace(body,
    h('p', { class: 'muted', i18n: 'people.intro' }),
    alert, status,
    h('section', { class: 'card', 'aria-labelledby': 'people-list-title' },
      h('h2', { id: 'people-list-title', i18n: 'people.list_title' }),
      results),
    addCard());

  const refused = (err) => {
    setText(alert, err.code === 'last_admin' ? 'error.last_admin' : errorKey(err));
    alert.hidden = false;
    alert.focus();
  };
  const done = (key, vars) => {
    alert.hidden = true;
    announce(status, key, vars);
  };

  async function load() {
    try {
      const people = await fetchAll(ctx.signal);
      drawTable(people);
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(results, errorState(err, load));
    }
  }

  async function change(u, patch, key) {
    try {
      await api.patch(`/users/${u.id}`, patch, { signal: ctx.signal });
      done(key, { name: u.name });
    } catch (err) {
      if (err.name === 'AbortError') return;
      refused(err);
    }
    await load();
  }

  function row(u) {
    const me = u.id === ctx.user.id;
    // The role select is named "Role" and the person's name, in whichever
    // language is on show (aria-labelledby, so a language switch keeps it).
    const nameId = `person-${u.id}-name`;
    const roleLabelId = `person-${u.id}-role`;
    const roleSel = u.role === 'partner'
      ? null
      : h('select', { class: 'role-select', 'aria-labelledby': `${roleLabelId} ${nameId}`, dataset: { userId: String(u.id) } },
        enumOptions('role', STAFF_ROLES).map(([v, key]) => h('option', { value: v, i18n: key, selected: v === u.role })));
    if (roleSel) roleSel.addEventListener('change', () => change(u, { role: roleSel.value }, 'people.role_changed'));
    const toggle = u.active
      ? h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet', i18n: 'people.deactivate',
        on: { click: async () => {
          const ok = await confirmDialog({ title: 'people.deactivate_title', body: 'people.deactivate_body', vars: { name: iso(u.name) }, confirm: 'people.deactivate' });
          if (ok) await change(u, { active: false }, 'people.deactivated');
        } } })
      : h('button', { type: 'button', class: 'btn btn-small', i18n: 'people.reactivate',
        on: { click: () => change(u, { active: true }, 'people.reactivated') } });
    const reset = h('button', { type: 'button', class: 'btn btn-small btn-quiet', i18n: 'people.reset',
      on: { click: async () => {
        if (await resetDialog(u)) {
          done('people.reset_done', { name: u.name });
          await load();
        }
      } } });
    return h('tr', { dataset: { userId: String(u.id), email: u.email || '' }, class: u.active ? null : 'is-inactive' },
      h('th', { scope: 'row', class: 'col-name', 'i18n-data-label': 'people.name' },
        h('span', { id: nameId, dir: 'auto', text: u.name }), me && ' ', me && h('span', { class: 'muted', i18n: 'people.you' })),
      h('td', { class: 'col-email', 'i18n-data-label': 'people.email' }, h('span', { dir: 'ltr', text: u.email || '' })),
      h('td', { class: 'col-role', 'i18n-data-label': 'people.role' },
        h('span', { id: roleLabelId, class: 'visually-hidden', i18n: 'people.role' }),
        roleSel || h('span', { i18n: 'role.partner' })),
      h('td', { class: 'col-state', 'i18n-data-label': 'people.state' },
        h('span', { class: ['badge', u.active ? 'badge-stage-active' : 'badge-archived'], i18n: u.active ? 'people.active' : 'people.inactive' }),
        u.require_password_change && h('span', { class: 'badge badge-warn', i18n: 'people.must_change' })),
      h('td', { class: 'cell-actions col-actions', 'i18n-data-label': 'people.actions' },
        h('div', { class: 'row-actions' }, toggle, reset)));
  }

  function drawTable(people) {
    if (people.length === 0) {
      replace(results, emptyState('people.empty'));
      return;
    }
    const cols = [['name', 'people.name'], ['email', 'people.email'], ['role', 'people.role'], ['state', 'people.state'], ['actions', 'people.actions']];
    replace(results, h('div', { class: 'table-wrap' },
      h('table', { class: 'table responsive people-table' },
        h('caption', { class: 'visually-hidden', i18n: 'people.table_caption' }),
        h('thead', {}, h('tr', {}, cols.map(([c, key]) => h('th', { scope: 'col', class: `col-${c}`, i18n: key })))),
        h('tbody', {}, people.map(row)))));
  }

  function addCard() {
    const f = {
      name: field({ name: 'name', label: 'people.name', required: true, autocomplete: 'off', dir: 'auto', maxlength: 200 }),
      email: field({ name: 'email', label: 'people.email', type: 'email', required: true, autocomplete: 'off', dir: 'ltr' }),
      role: field({ name: 'role', label: 'people.role', as: 'select', options: enumOptions('role', STAFF_ROLES), value: 'coordinator', required: true }),
      password: field({ name: 'password', label: 'people.temp_password', type: 'text', required: true, autocomplete: 'new-password', dir: 'ltr', hint: 'people.temp_password_hint' }),
    };
    const ctl = (k) => f[k].querySelector('input, select');
    const formErr = formAlert();
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'people.add' });
    const form = h('form', { class: 'form people-add', novalidate: true, 'aria-labelledby': 'people-add-title' },
      formErr,
      h('div', { class: 'form-grid' }, f.name, f.email, f.role, f.password),
      h('div', { class: 'form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      let first = null;
      for (const k of ['name', 'email', 'password']) {
        if (!ctl(k).value.trim()) {
          markInvalid(ctl(k), { key: 'error.required' });
          first = first || ctl(k);
        }
      }
      if (!first && ctl('password').value.length < PASSWORD_MIN) first = markInvalid(ctl('password'), { key: 'password.too_short' });
      if (first) {
        first.focus();
        return;
      }
      submit.disabled = true;
      try {
        const u = await api.post('/users', {
          name: ctl('name').value.trim(), email: ctl('email').value.trim(), role: ctl('role').value, password: ctl('password').value,
        });
        form.reset();
        done('people.added', { name: u.name });
        await load();
      } catch (err) {
        if (err.name === 'AbortError') return;
        if (err.status === 409 && err.field === 'email') {
          markInvalid(ctl('email'), { key: 'people.email_taken' });
          ctl('email').focus();
        } else showFormError(form, err);
      } finally {
        submit.disabled = false;
      }
    });
    return h('section', { class: 'card', 'aria-labelledby': 'people-add-title' },
      h('h2', { id: 'people-add-title', i18n: 'people.add_title' }),
      form);
  }

  load();
}

// The reset dialog: a temporary password the admin passes on. Resolves
// true once it is set.
function resetDialog(u) {
  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const pw = field({ name: 'password', label: 'people.temp_password', type: 'text', required: true, autocomplete: 'new-password', dir: 'ltr', hint: 'people.temp_password_hint' });
    const input = pw.querySelector('input');
    const alert = formAlert();
    const button = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'people.reset_submit' });
    const form = h('form', { class: 'form dialog-form', novalidate: true, method: 'dialog' }, alert, pw,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', i18n: 'action.cancel', on: { click: () => dlg.close() } }),
        button));
    const dlg = h('dialog', { class: 'dialog dialog-form-wrap', 'aria-labelledby': titleId },
      h('h2', { id: titleId, i18n: 'people.reset_title', vars: { name: iso(u.name) } }),
      h('p', { class: 'muted', i18n: 'people.reset_body' }),
      form);
    let ok = false;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      if (input.value.length < PASSWORD_MIN) {
        markInvalid(input, { key: 'password.too_short' });
        input.focus();
        return;
      }
      button.disabled = true;
      try {
        await api.patch(`/users/${u.id}`, { password: input.value });
        ok = true;
        dlg.close();
      } catch (err) {
        if (err.name !== 'AbortError') showFormError(form, err);
      } finally {
        button.disabled = false;
      }
    });
    const opener = document.activeElement;
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(ok);
    });
    document.body.append(dlg);
    dlg.showModal();
    input.focus();
  });
}
