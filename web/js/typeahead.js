// typeahead: a text input that offers choices from the server as one types
// (the ARIA 1.2 combobox pattern: role=combobox on the input, a listbox
// below it, the active option named by aria-activedescendant). Arrow keys
// move, Enter or a click picks, Escape closes; a new keystroke cancels the
// request before it. The first user is the referral form's ICD-10-CM codes;
// any list of {value, label, detail} fits.
import { h, replace, setText, uid } from './dom.js';

const DEBOUNCE_MS = 150;

// input: the <input> (already in its .field). search(q, signal) resolves to
// [{value, label, detail}] (label shown in bold, detail after it, both data,
// shown as written). onPick(item) runs after input.value = item.value.
// Options: minChars (default 2), lang (of the labels and details, e.g. 'en'),
// emptyKey (i18n key shown when nothing matches).
export function typeahead(input, { search, onPick, minChars = 2, lang, emptyKey }) {
  const listId = uid('ta');
  const list = h('ul', { id: listId, class: 'typeahead-list', role: 'listbox', hidden: true });
  const status = h('p', { class: 'typeahead-status visually-hidden', role: 'status', 'aria-live': 'polite' });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listId);
  const box = h('div', { class: 'typeahead' });
  input.replaceWith(box);
  box.append(input, list, status);

  let items = [];
  let active = -1;
  let timer = 0;
  let ctrl = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function setActive(i) {
    const opts = list.querySelectorAll('[role="option"]');
    opts.forEach((o, k) => o.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    active = i;
    if (i >= 0 && opts[i]) {
      input.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }
  function pick(i) {
    const it = items[i];
    if (!it) return;
    input.value = it.value;
    close();
    if (onPick) onPick(it);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  function show(found) {
    items = found;
    if (!found.length) {
      replace(list, h('li', { class: 'typeahead-empty', role: 'presentation', i18n: emptyKey || 'typeahead.none' }));
      setText(status, emptyKey || 'typeahead.none');
    } else {
      replace(list, found.map((it, k) => {
        const li = h('li', { id: `${listId}-${k}`, role: 'option', 'aria-selected': 'false', class: 'typeahead-option' },
          h('span', { class: 'typeahead-label', dir: 'ltr', lang, text: it.label }),
          it.detail && h('span', { class: 'typeahead-detail', dir: 'auto', lang, text: it.detail }));
        // mousedown, not click: the input keeps its focus.
        li.addEventListener('mousedown', (ev) => { ev.preventDefault(); pick(k); });
        return li;
      }));
      setText(status, 'typeahead.count', { n: found.length });
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    setActive(-1);
  }
  async function run(q) {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    const signal = ctrl.signal;
    try {
      const found = await search(q, signal);
      if (!signal.aborted && document.activeElement === input) show(found);
    } catch (err) {
      if (err.name !== 'AbortError') close();
    }
  }
  input.addEventListener('input', (ev) => {
    if (!ev.isTrusted) return; // our own after a pick
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < minChars) { if (ctrl) ctrl.abort(); close(); return; }
    timer = setTimeout(() => run(q), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (ev) => {
    const open = !list.hidden && items.length > 0;
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (!open) { const q = input.value.trim(); if (q.length >= minChars) run(q); return; }
      setActive(active + 1 >= items.length ? 0 : active + 1);
    } else if (ev.key === 'ArrowUp' && open) {
      ev.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (ev.key === 'Enter' && open && active >= 0) {
      ev.preventDefault(); // picks, does not submit the form
      pick(active);
    } else if (ev.key === 'Escape' && !list.hidden) {
      ev.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => { clearTimeout(timer); close(); });
  return { close };
}
