// app: starts the UI — loads the language, asks the server who is signed in,
// draws the layout (header, navigation, user, language switch, sign out) and
// routes real paths (History API) to one module per screen:
//   /sign-in            signin.js
//   /today              today.js         (the worklist: the home page after sign-in)
//   /pipeline           pipeline.js      (the stage board, keyboard moves)
//   /partners           partners.js      (list, search, filters, paging)
//   /partners/new       partner-form.js  (create)
//   /partners/{id}      partner.js       (read, contacts, archive)
//   /partners/{id}/edit partner-form.js  (edit)
//   /referrals          referrals.js     (list, filters, paging)
//   /referrals/new      referral-form.js (create, live completeness)
//   /referrals/{id}     referral.js      (packet, actions, appointments, documents, timeline)
//   /referrals/{id}/edit referral-form.js (edit the packet)
//   /patients/{id}      patient.js       (demographics and referrals)
//   /settings           settings.js      (admins: cadence, service levels, checklists)
//   /people             people.js        (admins: users, roles, deactivation, password resets)
//   /password           password.js      (everyone: change one's own password; the only
//                                          screen while an admin-set password must be changed)
import * as api from './api.js';
import { h, replace, bdi } from './dom.js';
import { initI18n, setLang, getLang, setTitle, LANGS, translateTree } from './i18n.js';
import * as signin from './signin.js';
import * as partners from './partners.js';
import * as partner from './partner.js';
import * as partnerForm from './partner-form.js';
import * as referrals from './referrals.js';
import * as referral from './referral.js';
import * as referralForm from './referral-form.js';
import * as patient from './patient.js';
import * as today from './today.js';
import * as pipeline from './pipeline.js';
import * as settings from './settings.js';
import * as people from './people.js';
import * as password from './password.js';
import { canListReferrals, canReadPartners, canManageSettings, canManageUsers } from './ui.js';
import { resetUsers } from './users.js';

export const HOME = '/today';

const session = { user: null };
let current = null; // {controller} of the screen on show
let flashKey = null;

const routes = [
  { re: /^\/sign-in$/, screen: signin, public: true },
  { re: /^\/today$/, screen: today, nav: 'today' },
  { re: /^\/pipeline$/, screen: pipeline, nav: 'pipeline' },
  { re: /^\/partners$/, screen: partners, nav: 'partners' },
  { re: /^\/partners\/new$/, screen: partnerForm, nav: 'partners' },
  { re: /^\/partners\/(\d+)$/, screen: partner, nav: 'partners', params: ['id'] },
  { re: /^\/partners\/(\d+)\/edit$/, screen: partnerForm, nav: 'partners', params: ['id'] },
  { re: /^\/referrals$/, screen: referrals, nav: 'referrals' },
  { re: /^\/referrals\/new$/, screen: referralForm, nav: 'referrals' },
  { re: /^\/referrals\/(\d+)$/, screen: referral, nav: 'referrals', params: ['id'] },
  { re: /^\/referrals\/(\d+)\/edit$/, screen: referralForm, nav: 'referrals', params: ['id'] },
  { re: /^\/patients\/(\d+)$/, screen: patient, nav: 'referrals', params: ['id'] },
  { re: /^\/settings$/, screen: settings, nav: 'settings' },
  { re: /^\/people$/, screen: people, nav: 'people' },
  { re: /^\/password$/, screen: password, nav: 'password' },
];

export function navigate(path, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render({ focus: true });
}

// Shows a one-time message on the next screen (e.g. after signing out).
export function flash(key) { flashKey = key; }
export function takeFlash() { const k = flashKey; flashKey = null; return k; }

function match(pathname) {
  for (const r of routes) {
    const m = pathname.match(r.re);
    if (m) {
      const params = {};
      (r.params || []).forEach((name, i) => { params[name] = m[i + 1]; });
      return { route: r, params };
    }
  }
  return null;
}

async function render({ focus = false } = {}) {
  if (current) current.controller.abort();
  const controller = new AbortController();
  current = { controller };
  let path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/') {
    history.replaceState(null, '', session.user ? HOME : '/sign-in');
    path = location.pathname;
  }
  const found = match(path);
  const main = document.getElementById('main');
  if (found && !found.route.public && !session.user) {
    const next = location.pathname + location.search;
    history.replaceState(null, '', `/sign-in?next=${encodeURIComponent(next)}`);
    return render({ focus });
  }
  if (found && found.route.public && session.user) {
    history.replaceState(null, '', HOME);
    return render({ focus });
  }
  // An admin set this user's password: nothing else answers until they
  // choose their own (403 password_change_required), so nothing else shows.
  if (session.user && session.user.require_password_change && path !== '/password') {
    history.replaceState(null, '', '/password');
    return render({ focus });
  }
  drawChrome(found ? found.route : null);
  const ctx = {
    params: found ? found.params : {},
    query: new URLSearchParams(location.search),
    user: session.user,
    signal: controller.signal,
    navigate,
    flash,
    takeFlash,
    onSignedIn,
  };
  if (!found) {
    setTitle('notfound.title');
    replace(main, h('section', { class: 'page narrow' },
      h('h1', { tabindex: '-1', i18n: 'notfound.title' }),
      h('p', { i18n: 'notfound.body' }),
      h('p', {}, h('a', { href: '/partners', i18n: 'notfound.back' }))));
  } else {
    found.route.screen.render(main, ctx);
  }
  if (focus) {
    const h1 = main.querySelector('h1');
    if (h1) h1.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

function onSignedIn(result, next) {
  session.user = result.user;
  api.setCsrf(result.csrf_token);
  const target = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : HOME;
  navigate(target, { replace: true });
}

async function signOut() {
  try {
    await api.del('/session', { quiet401: true });
  } catch { /* the session is over either way */ }
  session.user = null;
  api.setCsrf(null);
  resetUsers();
  flash('signin.signed_out');
  navigate('/sign-in', { replace: true });
}

function langSwitch() {
  return h('div', { class: 'lang-switch', role: 'group', 'i18n-aria-label': 'lang.switch' },
    LANGS.map((l) => {
      const b = h('button', {
        type: 'button', class: 'lang-btn', lang: l, dataset: { lang: l },
        'aria-pressed': String(getLang() === l), i18n: `lang.${l}`,
        on: { click: async () => {
          await setLang(l);
          for (const x of document.querySelectorAll('.lang-btn')) x.setAttribute('aria-pressed', String(x.dataset.lang === l));
        } },
      });
      return b;
    }));
}

// The header: product, navigation, user, language, sign out. Public screens
// get a slim header with the product and the language switch only.
function drawChrome(route) {
  const header = document.getElementById('header');
  const user = session.user;
  const pending = !!(user && user.require_password_change);
  const nav = user && route && !route.public && !pending
    ? h('nav', { class: 'nav', 'i18n-aria-label': 'nav.label' },
      h('ul', {},
        h('li', {}, h('a', { href: '/today', 'aria-current': route.nav === 'today' ? 'page' : null, i18n: 'nav.today' })),
        h('li', {}, h('a', { href: '/partners', 'aria-current': route.nav === 'partners' ? 'page' : null, i18n: 'nav.partners' })),
        canReadPartners(user) && h('li', {}, h('a', { href: '/pipeline', 'aria-current': route.nav === 'pipeline' ? 'page' : null, i18n: 'nav.pipeline' })),
        canListReferrals(user) && h('li', {}, h('a', { href: '/referrals', 'aria-current': route.nav === 'referrals' ? 'page' : null, i18n: 'nav.referrals' })),
        canManageSettings(user) && h('li', {}, h('a', { href: '/settings', 'aria-current': route.nav === 'settings' ? 'page' : null, i18n: 'nav.settings' })),
        canManageUsers(user) && h('li', {}, h('a', { href: '/people', 'aria-current': route.nav === 'people' ? 'page' : null, i18n: 'nav.people' }))))
    : null;
  const userBox = user && route && !route.public
    ? h('div', { class: 'user' },
      h('span', { class: 'user-text' },
        h('span', { class: 'user-name' }, bdi(user.name || user.email)),
        h('span', { class: 'user-role', i18n: `role.${user.role}` })),
      !pending && h('a', { href: '/password', class: 'btn btn-quiet user-password', 'aria-current': route.nav === 'password' ? 'page' : null, i18n: 'nav.password' }),
      h('button', { type: 'button', class: 'btn btn-quiet', i18n: 'action.sign_out', on: { click: signOut } }))
    : null;
  replace(header,
    h('div', { class: 'header-inner' },
      h('a', { class: 'brand', href: user ? HOME : '/sign-in' },
        h('img', { src: '/favicon.svg', alt: '', width: '28', height: '28', class: 'brand-mark' }),
        h('span', { class: 'brand-name', i18n: 'app.name' })),
      nav,
      h('div', { class: 'header-end' }, langSwitch(), userBox)));
}

function isInternalLink(a, ev) {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return false;
  if (a.target && a.target !== '_self') return false;
  if (a.hasAttribute('download')) return false;
  if (a.origin !== location.origin) return false;
  return !a.pathname.startsWith('/api/');
}

async function start() {
  await initI18n();
  translateTree(document.body);
  document.getElementById('skip').addEventListener('click', (ev) => {
    ev.preventDefault();
    const h1 = document.querySelector('#main h1');
    if (h1) h1.focus();
  });
  api.setUnauthenticatedHandler(() => {
    if (!session.user) return;
    session.user = null;
    api.setCsrf(null);
    flash('signin.session_ended');
    const next = location.pathname + location.search;
    history.replaceState(null, '', `/sign-in?next=${encodeURIComponent(next)}`);
    render({ focus: true });
  });
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest('a[href]');
    if (!a || !isInternalLink(a, ev)) return;
    ev.preventDefault();
    if (a.pathname + a.search !== location.pathname + location.search) navigate(a.pathname + a.search);
    else if (a.hash) {
      // A link within the page (a commitment's goal): take the focus there.
      const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
      if (target) {
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.scrollIntoView({ block: 'center' });
        target.focus();
      }
    }
  });
  window.addEventListener('popstate', () => render({ focus: true }));
  try {
    const me = await api.get('/me', { quiet401: true });
    session.user = me.user;
    api.setCsrf(me.csrf_token);
  } catch (e) {
    session.user = null;
    if (e.status && e.status !== 401) flash('error.generic');
  }
  document.body.classList.remove('booting');
  render();
}

start();
