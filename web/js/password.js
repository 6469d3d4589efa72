// password: "Change password" (/password) for everyone signed in
// (PUT /me/password with the current and the new password). After an admin
// set the password (a reset, or a new person's first one) the app sends the
// user here before anything else (the server answers every other route 403
// password_change_required until then) and the screen says why; once it is
// changed they go on to Today.
import * as api from './api.js';
import { h, replace } from './dom.js';
import { setTitle } from './i18n.js';
import { field, formAlert, clearErrors, showFormError, markInvalid, announce } from './ui.js';

const PASSWORD_MIN = 10;

export function render(main, ctx) {
  setTitle('password.title');
  const forced = !!(ctx.user && ctx.user.require_password_change);
  const f = {
    current: field({ name: 'current_password', label: 'password.current', type: 'password', autocomplete: 'current-password', required: true, mark: false, dir: 'ltr' }),
    next: field({ name: 'new_password', label: 'password.new', type: 'password', autocomplete: 'new-password', required: true, mark: false, dir: 'ltr', hint: 'password.hint' }),
    again: field({ name: 'again', label: 'password.confirm', type: 'password', autocomplete: 'new-password', required: true, mark: false, dir: 'ltr' }),
  };
  const ctl = (k) => f[k].querySelector('input');
  const alert = formAlert();
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', i18n: 'password.submit' });
  const form = h('form', { class: 'form password-form', novalidate: true, 'aria-labelledby': 'password-title' },
    alert, f.current, f.next, f.again, h('div', { class: 'form-actions' }, submit, status));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    status.textContent = '';
    let first = null;
    for (const k of ['current', 'next', 'again']) {
      if (!ctl(k).value) first = first || markInvalid(ctl(k), { key: 'error.required' });
    }
    if (!first && ctl('next').value.length < PASSWORD_MIN) first = markInvalid(ctl('next'), { key: 'password.too_short' });
    if (!first && ctl('next').value !== ctl('again').value) first = markInvalid(ctl('again'), { key: 'password.mismatch' });
    if (first) {
      first.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.put('/me/password', { current_password: ctl('current').value, new_password: ctl('next').value });
      form.reset();
      if (ctx.user) ctx.user.require_password_change = false;
      if (forced) {
        // Done: the rest of the app opens (the link redraws the header).
        replace(form, h('p', { class: 'notice', role: 'status', i18n: 'password.changed' }),
          h('p', {}, h('a', { class: 'btn btn-primary', href: '/today', i18n: 'password.continue' })));
        form.querySelector('a').focus();
        return;
      }
      announce(status, 'password.changed');
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (err.status === 422 && err.field === 'current_password') {
        markInvalid(ctl('current'), { key: 'password.wrong_current' });
        ctl('current').value = '';
        ctl('current').focus();
      } else if (err.status === 422 && err.field === 'new_password') {
        markInvalid(ctl('next'), { key: /differ/.test(err.message) ? 'password.same' : 'password.too_short' });
        ctl('next').focus();
      } else showFormError(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  replace(main, h('section', { class: 'page narrow' },
    h('div', { class: 'card password-card' },
      h('h1', { id: 'password-title', tabindex: '-1', i18n: 'password.title' }),
      h('p', { class: forced ? 'notice' : 'muted', role: forced ? 'status' : null, i18n: forced ? 'password.required_lead' : 'password.lead' }),
      form)));
}
