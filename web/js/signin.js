// signin: the sign-in screen. POST /api/v1/session; 401 shows a message,
// 429 says how long to wait (Retry-After, in seconds, shown in minutes).
import * as api from './api.js';
import { h, replace, setText } from './dom.js';
import { setTitle } from './i18n.js';
import { field } from './ui.js';

export function render(main, ctx) {
  setTitle('signin.title');
  const notice = ctx.takeFlash();
  const alert = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const email = field({ name: 'email', label: 'signin.email', type: 'email', autocomplete: 'username', required: true, mark: false, dir: 'ltr' });
  const password = field({ name: 'password', label: 'signin.password', type: 'password', autocomplete: 'current-password', required: true, mark: false, dir: 'ltr' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary btn-block', i18n: 'signin.submit' });
  const form = h('form', { class: 'form signin-form', novalidate: true, 'aria-labelledby': 'signin-title' },
    alert, email, password, button);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    alert.hidden = true;
    const emailInput = email.querySelector('input');
    const pwInput = password.querySelector('input');
    if (!emailInput.value.trim() || !pwInput.value) {
      setText(alert, 'signin.missing');
      alert.hidden = false;
      (emailInput.value.trim() ? pwInput : emailInput).focus();
      return;
    }
    button.disabled = true;
    setText(button, 'signin.submitting');
    try {
      const res = await api.post('/session', { email: emailInput.value.trim(), password: pwInput.value }, { quiet401: true });
      ctx.onSignedIn(res, ctx.query.get('next'));
      return;
    } catch (err) {
      if (err.status === 401) setText(alert, 'signin.failed');
      else if (err.status === 429) {
        const minutes = Math.max(1, Math.ceil((err.retryAfter || 900) / 60));
        setText(alert, 'signin.rate_limited', { count: minutes });
      } else if (err.code === 'network') setText(alert, 'error.network');
      else setText(alert, 'error.generic');
      alert.hidden = false;
      pwInput.value = '';
      pwInput.focus();
    }
    button.disabled = false;
    setText(button, 'signin.submit');
  });

  replace(main, h('section', { class: 'signin' },
    h('div', { class: 'card signin-card' },
      h('h1', { id: 'signin-title', tabindex: '-1', i18n: 'signin.title' }),
      h('p', { class: 'muted signin-lead', i18n: 'signin.lead' }),
      notice && h('p', { class: 'notice', role: 'status', i18n: notice }),
      form)));
}
