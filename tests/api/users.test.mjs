// User administration (issue 12 point 6): admins list, add, change the role
// of, deactivate, reactivate and reset the password of users; everyone
// changes their own password. Deactivation ends the user's sessions and API
// tokens at once; a reset password must be changed before anything but /me,
// /me/password and sign-out answers; no change leaves the practice without
// an active admin (409 last_admin). Every change is audited, and a refused
// one changes nothing. Runs on both engines (api.users, api-pg.users).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, signedIn, addUser, PASSWORD } from '../lib/server.mjs';

let srv, admin;
const code = (r) => r.json && r.json.error && r.json.error.code;
const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const TEMP = 'a temporary password 1';

before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
});
after(async () => { await srv?.stop(); });

async function newUser(role = 'coordinator', extra = {}) {
  const email = `p-${uniq()}@test.local`;
  const r = await admin.post('/api/v1/users', { email, name: `Person ${role}`, role, password: PASSWORD, require_password_change: false, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function auditActions(id) {
  const r = await admin.get(`/api/v1/audit?record_type=user&record_id=${id}&limit=100`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((e) => e.action).filter((a) => a.startsWith('user.'));
}

test('an admin adds a user: 201 with the record, never a hash; they must change the first password', async () => {
  const email = `New-${uniq()}@Test.local`;
  const r = await admin.post('/api/v1/users', { email, name: 'سارة الأحمد', role: 'liaison', password: TEMP });
  assert.equal(r.status, 201, r.text);
  const u = r.json;
  assert.equal(u.email, email.toLowerCase());
  assert.equal(u.name, 'سارة الأحمد');
  assert.equal(u.role, 'liaison');
  assert.equal(u.active, true);
  assert.equal(u.require_password_change, true);
  assert.equal(u.disabled_at, null);
  assert.ok(!('password_hash' in u) && !('password' in u));
  const one = await admin.get(`/api/v1/users/${u.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.json, u);
  assert.deepEqual(await auditActions(u.id), ['user.create']);
  // The list shows them, with the pending change, to admins.
  const list = await admin.get('/api/v1/users?limit=500');
  const row = list.json.items.find((x) => x.id === u.id);
  assert.deepEqual(row, { id: u.id, name: 'سارة الأحمد', role: 'liaison', active: true, email: u.email, partner_id: null, require_password_change: true });
});

test('bad input to POST /users is a clear 422 or 409 and adds no one', async () => {
  const before = (await admin.get('/api/v1/users?limit=500')).json.items.length;
  const base = { email: `x-${uniq()}@test.local`, name: 'X', role: 'liaison', password: TEMP };
  const cases = [
    [{ ...base, role: 'boss' }, 422, 'role'],
    [{ ...base, email: 'not-an-email' }, 422, 'email'],
    [{ ...base, password: 'short' }, 422, 'password'],
    [{ ...base, name: '' }, 422, 'name'],
    [{ ...base, role: 'partner' }, 422, 'partner_id'],
    [{ ...base, extra: 1 }, 422, 'extra'],
    [{ ...base, email: 'admin@test.local' }, 409, 'email'],
  ];
  for (const [body, status, field] of cases) {
    const r = await admin.post('/api/v1/users', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.ok(r.json.error.message.length > 5);
  }
  assert.equal((await admin.get('/api/v1/users?limit=500')).json.items.length, before);
});

test('only admins administer users (users.manage); everyone else 403, unchanged', async () => {
  const u = await newUser();
  for (const role of ['manager', 'liaison', 'coordinator', 'clinician']) {
    const c = await signedIn(srv.url, role);
    assert.equal(code(await c.get(`/api/v1/users/${u.id}`)), 'forbidden');
    assert.equal(code(await c.patch(`/api/v1/users/${u.id}`, { active: false })), 'forbidden');
    assert.equal(code(await c.post('/api/v1/users', { email: `z-${uniq()}@test.local`, name: 'Z', role: 'admin', password: TEMP })), 'forbidden');
    // The list for owner selectors stays open to staff, without emails.
    const list = await c.get('/api/v1/users');
    assert.equal(list.status, 200);
    assert.ok(list.json.items.every((x) => !('email' in x)));
  }
  assert.equal((await admin.get(`/api/v1/users/${u.id}`)).json.active, true);
  const anon = new Client(srv.url);
  assert.equal((await anon.get(`/api/v1/users/${u.id}`)).status, 401);
  assert.equal((await admin.get('/api/v1/users/999999')).status, 404);
  assert.equal((await admin.patch('/api/v1/users/999999', { active: false })).status, 404);
});

test('change role: audited; bad role or a move to or from partner refused', async () => {
  const u = await newUser('liaison');
  const r = await admin.patch(`/api/v1/users/${u.id}`, { role: 'manager' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.role, 'manager');
  const c = new Client(srv.url);
  assert.equal((await c.signIn(u.email)).json.user.role, 'manager');
  for (const role of ['boss', 'partner', '']) {
    const bad = await admin.patch(`/api/v1/users/${u.id}`, { role });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.json.error.field, 'role');
  }
  assert.equal(code(await admin.patch(`/api/v1/users/${u.id}`, { active: 'no' })), 'validation_failed');
  assert.equal(code(await admin.patch(`/api/v1/users/${u.id}`, { email: 'x@y.z' })), 'validation_failed');
  assert.equal((await admin.get(`/api/v1/users/${u.id}`)).json.role, 'manager');
  assert.deepEqual(await auditActions(u.id), ['user.role', 'user.create']);
});

test('deactivate ends sessions and API tokens at once; sign-in refused; reactivate lets them back', async () => {
  const u = await newUser('coordinator');
  const c = new Client(srv.url);
  assert.equal((await c.signIn(u.email)).status, 200);
  const tok = await c.post('/api/v1/tokens', { name: 'script' });
  assert.equal(tok.status, 201, tok.text);
  const bearer = new Client(srv.url);
  bearer.bearer = tok.json.token;
  assert.equal((await bearer.get('/api/v1/partners')).status, 200);
  assert.equal((await c.get('/api/v1/partners')).status, 200);

  const r = await admin.patch(`/api/v1/users/${u.id}`, { active: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.active, false);
  assert.ok(r.json.disabled_at);
  assert.equal((await c.get('/api/v1/partners')).status, 401, 'the session ended');
  assert.equal((await bearer.get('/api/v1/partners')).status, 401, 'the token ended');
  assert.equal((await new Client(srv.url).signIn(u.email)).status, 401, 'sign-in refused like a wrong password');
  const row = (await admin.get('/api/v1/users?limit=500')).json.items.find((x) => x.id === u.id);
  assert.equal(row.active, false);

  const back = await admin.patch(`/api/v1/users/${u.id}`, { active: true });
  assert.equal(back.status, 200);
  assert.equal(back.json.active, true);
  assert.equal(back.json.disabled_at, null);
  assert.equal((await new Client(srv.url).signIn(u.email)).status, 200);
  assert.equal((await bearer.get('/api/v1/partners')).status, 401, 'old tokens stay revoked');
  assert.deepEqual(await auditActions(u.id), ['user.reactivate', 'user.deactivate', 'user.create']);
});

test('reset password: sign-in works but only /me, /me/password and sign-out answer until it is changed', async () => {
  const u = await newUser('clinician');
  const old = new Client(srv.url);
  await old.signIn(u.email);
  const tok = await old.post('/api/v1/tokens', { name: 'script' });
  const bearer = new Client(srv.url);
  bearer.bearer = tok.json.token;
  const r = await admin.patch(`/api/v1/users/${u.id}`, { password: TEMP });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.require_password_change, true);
  assert.equal((await old.get('/api/v1/me')).status, 401, 'their sessions ended');
  assert.equal((await new Client(srv.url).signIn(u.email)).status, 401, 'the old password is gone');

  const c = new Client(srv.url);
  const s = await c.signIn(u.email, TEMP);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.user.require_password_change, true);
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.require_password_change, true);
  for (const [m, p] of [['GET', '/api/v1/partners'], ['GET', '/api/v1/referrals'], ['GET', '/api/v1/worklist'], ['POST', '/api/v1/tokens']]) {
    const x = await c.request(m, p, m === 'POST' ? { name: 't' } : undefined);
    assert.equal(x.status, 403, `${m} ${p}: ${x.text}`);
    assert.equal(code(x), 'password_change_required');
    assert.match(x.json.error.message, /new password/);
  }
  // Their API token acts as them: held back as well.
  assert.equal(code(await bearer.get('/api/v1/partners')), 'password_change_required');
  assert.equal((await bearer.get('/api/v1/me')).json.user.require_password_change, true);
  // The same password again is no change.
  const same = await c.put('/api/v1/me/password', { current_password: TEMP, new_password: TEMP });
  assert.equal(same.status, 422, same.text);
  assert.equal(same.json.error.field, 'new_password');
  const done = await c.put('/api/v1/me/password', { current_password: TEMP, new_password: 'my very own new password' });
  assert.equal(done.status, 204, done.text);
  assert.equal((await c.get('/api/v1/partners')).status, 200, 'the same session goes on');
  assert.equal((await bearer.get('/api/v1/partners')).status, 200, 'the token works again');
  assert.equal((await c.get('/api/v1/me')).json.user.require_password_change, false);
  assert.equal((await new Client(srv.url).signIn(u.email, 'my very own new password')).status, 200);
  const actions = await auditActions(u.id);
  assert.deepEqual(actions.slice(0, 2), ['user.password_change', 'user.password_reset']);
});

test('a pending change can be signed out of; an admin can also just require one', async () => {
  const u = await newUser('liaison');
  const r = await admin.patch(`/api/v1/users/${u.id}`, { require_password_change: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.require_password_change, true);
  const c = new Client(srv.url);
  assert.equal((await c.signIn(u.email)).status, 200);
  assert.equal(code(await c.get('/api/v1/partners')), 'password_change_required');
  assert.equal((await c.del('/api/v1/session')).status, 204);
  const off = await admin.patch(`/api/v1/users/${u.id}`, { require_password_change: false });
  assert.equal(off.json.require_password_change, false);
  const c2 = new Client(srv.url);
  await c2.signIn(u.email);
  assert.equal((await c2.get('/api/v1/partners')).status, 200);
  assert.deepEqual((await auditActions(u.id)).slice(0, 2), ['user.require_password_change', 'user.require_password_change']);
});

test('everyone changes their own password with the current one; other sessions end', async () => {
  const u = await newUser('manager');
  const a = new Client(srv.url);
  const b = new Client(srv.url);
  await a.signIn(u.email);
  await b.signIn(u.email);
  const bad = [
    [{ current_password: 'wrong password here', new_password: 'another good password' }, 'current_password'],
    [{ current_password: PASSWORD, new_password: 'short' }, 'new_password'],
    [{ current_password: PASSWORD }, 'new_password'],
    [{ current_password: PASSWORD, new_password: 'another good password', x: 1 }, 'x'],
  ];
  for (const [body, field] of bad) {
    const r = await a.put('/api/v1/me/password', body);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await b.get('/api/v1/me')).status, 200, 'nothing changed');
  assert.equal((await new Client(srv.url).signIn(u.email)).status, 200, 'the password is unchanged');
  // Without the CSRF token a cookie request is refused.
  const noCsrf = await a.put('/api/v1/me/password', { current_password: PASSWORD, new_password: 'another good password' }, { headers: { 'x-csrf-token': 'nope' } });
  assert.equal(code(noCsrf), 'csrf_failed');
  const ok = await a.put('/api/v1/me/password', { current_password: PASSWORD, new_password: 'another good password' });
  assert.equal(ok.status, 204, ok.text);
  assert.equal((await a.get('/api/v1/me')).status, 200, 'this session goes on');
  assert.equal((await b.get('/api/v1/me')).status, 401, 'the other session ended');
  assert.equal((await new Client(srv.url).signIn(u.email)).status, 401);
  assert.equal((await new Client(srv.url).signIn(u.email, 'another good password')).status, 200);
  const actions = await auditActions(u.id);
  assert.equal(actions[0], 'user.password_change');
  assert.ok(actions.includes('user.password_change'));
  const denied = (await admin.get(`/api/v1/audit?record_type=user&record_id=${u.id}&action=user.password_change&limit=10`)).json.items;
  assert.deepEqual(denied.map((e) => e.outcome).sort(), ['denied', 'success']);
});

test('the last active admin cannot be demoted or deactivated (409 last_admin); with two, one can go', async () => {
  const me = (await admin.get('/api/v1/me')).json.user;
  // Any other active admins left over from other tests are demoted first.
  for (const x of (await admin.get('/api/v1/users?role=admin&limit=500')).json.items) {
    if (x.id !== me.id && x.active) assert.equal((await admin.patch(`/api/v1/users/${x.id}`, { role: 'manager' })).status, 200);
  }
  for (const body of [{ role: 'manager' }, { active: false }, { role: 'clinician', active: false }]) {
    const r = await admin.patch(`/api/v1/users/${me.id}`, body);
    assert.equal(r.status, 409, r.text);
    assert.equal(code(r), 'last_admin');
    assert.match(r.json.error.message, /last active admin/);
  }
  const still = await admin.get(`/api/v1/users/${me.id}`);
  assert.equal(still.json.role, 'admin');
  assert.equal(still.json.active, true);
  // A deactivated admin does not count.
  const other = await newUser('admin');
  assert.equal((await admin.patch(`/api/v1/users/${other.id}`, { active: false })).status, 200);
  assert.equal(code(await admin.patch(`/api/v1/users/${me.id}`, { role: 'manager' })), 'last_admin');
  // With a second active admin the first may step down.
  assert.equal((await admin.patch(`/api/v1/users/${other.id}`, { active: true })).status, 200);
  const other2 = new Client(srv.url);
  assert.equal((await other2.signIn(other.email)).status, 200);
  assert.equal((await other2.patch(`/api/v1/users/${me.id}`, { role: 'manager' })).status, 200);
  assert.equal(code(await other2.patch(`/api/v1/users/${other.id}`, { active: false })), 'last_admin');
  // Put things back for any later test.
  assert.equal((await other2.patch(`/api/v1/users/${me.id}`, { role: 'admin' })).status, 200);
});

test('a partner user is listed with role=partner and can be deactivated', async () => {
  const p = await admin.post('/api/v1/partners', { name: `Users Test Practice ${uniq()}`, kind: 'practice' });
  const email = `portal-${uniq()}@test.local`;
  const id = addUser(srv.db, 'partner', email, { partner: p.json.id });
  const list = await admin.get('/api/v1/users?role=partner&limit=500');
  assert.ok(list.json.items.some((x) => x.id === id && x.partner_id === p.json.id));
  const r = await admin.patch(`/api/v1/users/${id}`, { active: false });
  assert.equal(r.status, 200);
  assert.equal((await new Client(srv.url).signIn(email)).status, 401);
});

test('two admins demoting each other at once: one wins, one gets 409 last_admin, an admin remains', async () => {
  const me = (await admin.get('/api/v1/me')).json.user;
  for (const x of (await admin.get('/api/v1/users?role=admin&limit=500')).json.items) {
    if (x.id !== me.id && x.active) assert.equal((await admin.patch(`/api/v1/users/${x.id}`, { role: 'manager' })).status, 200);
  }
  const other = await newUser('admin');
  const c2 = new Client(srv.url);
  await c2.signIn(other.email);
  const [a, b] = await Promise.all([
    admin.patch(`/api/v1/users/${other.id}`, { role: 'manager' }),
    c2.patch(`/api/v1/users/${me.id}`, { role: 'manager' }),
  ]);
  // One change lands; the other is refused — 409 last_admin when both
  // passed the sign-in check before either committed, 403 when the loser's
  // own demotion had already landed. Never both.
  const [win, lose] = a.status === 200 ? [a, b] : [b, a];
  assert.equal(win.status, 200, `${a.text} ${b.text}`);
  assert.ok([403, 409].includes(lose.status), lose.text);
  assert.ok(['forbidden', 'last_admin'].includes(code(lose)), lose.text);
  const winner = a.status === 200 ? admin : c2;
  const admins = (await winner.get('/api/v1/users?role=admin&limit=500')).json.items.filter((x) => x.active);
  assert.equal(admins.length, 1, 'exactly one active admin is left');
  // Back to the start: admin@test.local is the admin.
  if (a.status !== 200) {
    assert.equal((await c2.patch(`/api/v1/users/${me.id}`, { role: 'admin' })).status, 200);
  }
});
