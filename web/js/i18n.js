// i18n: the dictionaries (web/i18n/en.json, ar.json), the current language,
// and formatting of numbers and dates in it. Elements built with dom.js carry
// their keys (data-i18n, data-i18n-attr, data-date) so a language switch
// re-translates the page in place without losing what the user typed.
export const LANGS = ['en', 'ar'];
const RTL = new Set(['ar']);
const STORE_KEY = 'liaison.lang';

let lang = 'en';
let dict = {};
let titleKey = 'app.name';
let titleText = null;
const cache = new Map();
const listeners = new Set();

function storedLang() {
  try {
    const v = localStorage.getItem(STORE_KEY);
    if (LANGS.includes(v)) return v;
  } catch { /* storage may be disabled */ }
  const nav = (navigator.language || 'en').slice(0, 2).toLowerCase();
  return LANGS.includes(nav) ? nav : 'en';
}

async function load(l) {
  if (!cache.has(l)) {
    const res = await fetch(`/i18n/${l}.json`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`cannot load /i18n/${l}.json: ${res.status}`);
    cache.set(l, await res.json());
  }
  return cache.get(l);
}

export async function initI18n() {
  const l = storedLang();
  try {
    dict = await load(l);
    lang = l;
  } catch {
    dict = await load('en');
    lang = 'en';
  }
  applyDocument();
}

export function getLang() { return lang; }
export function isRtl() { return RTL.has(lang); }

export async function setLang(l) {
  if (!LANGS.includes(l)) return;
  dict = await load(l);
  lang = l;
  try { localStorage.setItem(STORE_KEY, l); } catch { /* ignore */ }
  applyDocument();
  translateTree(document.body);
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function applyDocument() {
  const root = document.documentElement;
  root.lang = lang;
  root.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  applyTitle();
}

// The window title: "<screen> — Liaison".
// text (user data, e.g. a partner's name) replaces the screen's name.
export function setTitle(key, text) {
  titleKey = key;
  titleText = text || null;
  applyTitle();
}

function applyTitle() {
  const app = t('app.name');
  const screen = titleText || (titleKey && titleKey !== 'app.name' ? t(titleKey) : null);
  document.title = screen ? t('app.title', { screen, app }) : app;
}

export function formatNumber(n) {
  return new Intl.NumberFormat(lang).format(n);
}

// Looks a key up; {name} placeholders are replaced by vars (numbers are
// formatted in the language). A `count` var picks the plural form
// key.zero/one/two/few/many/other (Intl.PluralRules). A missing key shows
// the key itself, which the i18n test catches.
export function t(key, vars) {
  let s;
  if (vars && typeof vars.count === 'number') {
    const cat = new Intl.PluralRules(lang).select(vars.count);
    s = dict[`${key}.${cat}`] ?? dict[`${key}.other`];
  }
  if (s === undefined) s = dict[key];
  if (s === undefined) {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => {
      if (!(name in vars)) return m;
      const v = vars[name];
      return typeof v === 'number' ? formatNumber(v) : String(v);
    });
  }
  return s;
}

export function has(key) { return key in dict; }

// Wraps user text used inside a sentence in Unicode isolates (FSI … PDI), so
// a Latin name in an Arabic sentence (or the reverse) keeps its place.
export function iso(s) {
  return `\u2068${s}\u2069`;
}

// Dates and times. An RFC 3339 time is shown in the user's time zone; a
// YYYY-MM-DD date is a calendar date and is shown as such (UTC, no shift).
export function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDate(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

// "2026-11" as "Nov 2026" (or its Arabic form).
export function formatMonth(ym) {
  const d = new Date(`${ym}-01T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ym;
  return new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
}

// The name of a language tag (en, ar, pt-BR) in the UI language.
export function languageName(tag) {
  try {
    return new Intl.DisplayNames([lang], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}

// Re-translates every element below root that carries a key.
export function translateTree(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const vars = el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : undefined;
    el.textContent = t(el.dataset.i18n, vars);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const [attr, key] of Object.entries(JSON.parse(el.dataset.i18nAttr))) el.setAttribute(attr, t(key));
  }
  for (const el of root.querySelectorAll('[data-date]')) {
    const kind = el.dataset.dateKind;
    el.textContent = kind === 'date' ? formatDate(el.dataset.date) : kind === 'month' ? formatMonth(el.dataset.date) : formatDateTime(el.dataset.date);
  }
  for (const el of root.querySelectorAll('[data-lang-tag]')) el.textContent = languageName(el.dataset.langTag);
}
