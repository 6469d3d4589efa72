// users: the people of the practice (GET /api/v1/users: id, name, role,
// active), fetched once per session and shared by every screen — owners and
// "who" shown by name, and the options of owner selectors (partner form,
// commitments, Today's "Whose list"). Until the list arrives (or when it
// cannot be read) a label says "User #N"; names are user text, set with
// textContent only.
import * as api from './api.js';
import { h } from './dom.js';
import { iso } from './i18n.js';

let cache = null; // Promise<Map<id, user>>

async function fetchAll() {
  const users = new Map();
  let cursor = null;
  do {
    const data = await api.get(`/users${api.query({ limit: 500, cursor })}`);
    for (const u of data.items || []) users.set(u.id, u);
    cursor = data.next_cursor;
  } while (cursor && users.size < 5000);
  return users;
}

// The users by id (one request per session; retried after a failure).
export function loadUsers() {
  if (!cache) cache = fetchAll().catch((err) => { cache = null; throw err; });
  return cache;
}

// Forgets the list (after signing out: the next person may see more).
export function resetUsers() { cache = null; }

// A label for a user id: "You (name)" for the signed-in user, else the
// user's name once known ("User #N" meanwhile or when unknown).
export function userLabel(id, me) {
  if (id === null || id === undefined) return null;
  if (me && id === me.id) return h('span', { class: 'user-name', i18n: 'partner.owner_you', vars: { name: iso(me.name || me.email) } });
  const el = h('span', { class: 'user-name', dataset: { userId: String(id) }, i18n: 'partner.owner_user', vars: { id: String(id) } });
  loadUsers().then((users) => {
    const u = users.get(id);
    if (!u) return;
    delete el.dataset.i18n;
    delete el.dataset.i18nVars;
    el.dir = 'auto';
    el.textContent = u.name;
  }).catch(() => { /* the label keeps "User #N" */ });
  return el;
}

// Fills an owner <select>: an optional blank option (blankKey), "You
// (name)", then the other active users by name — and the current value even
// when that user is no longer active. Works at once with what it knows and
// completes the options when the list arrives.
export function fillOwnerSelect(sel, { value, me, blankKey } = {}) {
  const want = value === null || value === undefined ? '' : String(value);
  const option = (id, u) => {
    if (me && id === me.id) return h('option', { value: String(id), i18n: 'partner.owner_you', vars: { name: iso(me.name || me.email) }, selected: String(id) === want });
    if (u) return h('option', { value: String(id), dir: 'auto', text: u.name, selected: String(id) === want });
    return h('option', { value: String(id), i18n: 'partner.owner_user', vars: { id: String(id) }, selected: String(id) === want });
  };
  const draw = (users) => {
    const keep = sel.value || want;
    const ids = [];
    if (me) ids.push(me.id);
    const others = [...users.values()].filter((u) => u.active !== false && (!me || u.id !== me.id))
      .sort((a, b) => a.name.localeCompare(b.name));
    ids.push(...others.map((u) => u.id));
    if (want && !ids.includes(Number(want))) ids.push(Number(want));
    sel.replaceChildren(...[blankKey ? h('option', { value: '', i18n: blankKey, selected: !want }) : null,
      ...ids.map((id) => option(id, users.get(id)))].filter(Boolean));
    sel.value = keep;
  };
  draw(new Map());
  loadUsers().then(draw).catch(() => { /* the select keeps what it knows */ });
  return sel;
}

// The active users whose role is one of roles, by name — plus the user
// keep (a current value) even when no longer active or eligible.
export async function eligibleUsers(roles, keep) {
  const users = await loadUsers();
  const list = [...users.values()].filter((u) => (u.active !== false && roles.includes(u.role)) || u.id === keep);
  return list.sort((a, b) => a.name.localeCompare(b.name));
}
