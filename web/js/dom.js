// dom: the one way the UI builds elements. Text is always set with
// textContent (or text nodes); no string is ever parsed as HTML, so
// user-written text can never become markup (style.md convention 9).
import { t } from './i18n.js';

// h('button', {class: 'btn', type: 'button', i18n: 'partners.new', on: {click}}, ...children)
//   text:  literal text (user data)        i18n: a dictionary key (kept in data-i18n)
//   vars:  variables for the i18n key       attrs named i18n-xyz: the attribute xyz from a key
//   on:    event listeners                  dataset: data-* values
// Children may be nodes, strings (become text nodes), arrays, null/false (skipped).
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'i18n') setText(el, v, props.vars);
    else if (k === 'vars') continue;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('i18n-')) setAttrKey(el, k.slice(5), v);
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'value') el.value = v;
    else if (k === 'selected') el.selected = el.defaultSelected = true;
    else if (k === 'checked') el.checked = el.defaultChecked = true;
    else if (k === 'disabled' || k === 'required' || k === 'hidden' || k === 'multiple') el[k] = true;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Sets an element's text from a dictionary key and remembers the key so a
// language switch can translate it in place.
export function setText(el, key, vars) {
  el.dataset.i18n = key;
  if (vars) el.dataset.i18nVars = JSON.stringify(vars);
  else delete el.dataset.i18nVars;
  el.textContent = t(key, vars);
  return el;
}

// Sets an attribute (placeholder, aria-label, title, data-label) from a key.
export function setAttrKey(el, attr, key) {
  const map = el.dataset.i18nAttr ? JSON.parse(el.dataset.i18nAttr) : {};
  map[attr] = key;
  el.dataset.i18nAttr = JSON.stringify(map);
  el.setAttribute(attr, t(key));
  return el;
}

// User text inside a block: the block keeps the page's direction and
// alignment, the text inside keeps its own (Arabic or Latin) direction.
export function bdi(text) {
  return h('bdi', { text });
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

let idSeq = 0;
export function uid(prefix = 'f') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}
