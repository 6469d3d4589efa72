// Signing in and out, /me, CSRF on cookie sessions, API tokens (bearer).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, signedIn, PASSWORD } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const DAY = 86400e3;

function sessionCookie(r) {
  const all = typeof r.headers.getSetCookie === 'function' ? r.headers.getSetCookie() : [r.headers.get('set-cookie')].filter(Boolean);
  return all.find((c) => /^\s*liaison_session=/.test(c)) || null;
}
function cookieAttrs(c) {
  const [pair, ...attrs] = c.split(';').map((s) => s.trim());
  const out = { value: pair.slice(pair.indexOf('=') + 1) };
  for (const a of attrs) {
    const i = a.indexOf('=');
    out[(i < 0 ? a : a.slice(0, i)).toLowerCase()] = i < 0 ? true : a.slice(i + 1);
  }
  return out;
}
async function findPartners(c, name) {
  const r = await c.get(`/api/v1/partners?q=${encodeURIComponent(name)}&limit=500`);
  assert.equal(r.status, 200, r.text);
  const r2 = await c.get(`/api/v1/partners?q=${encodeURIComponent(name)}&limit=500&archived=true`);
  assert.equal(r2.status, 200, r2.text);
  return [...r.json.items, ...r2.json.items].filter((p) => p.name === name);
}
// A client that carries the cookie of c but not its CSRF token.
function cookieOnly(c) {
  const b = new Client(c.url);
  b.cookie = c.cookie;
  return b;
}

test('sign-in sets a HttpOnly, SameSite=Strict, Path=/ cookie and returns the user and a CSRF token', async () => {
  const c = new Client(srv.url);
  const r = await c.signIn('admin@test.local');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json;\s*charset=utf-8$/i);
  const set = sessionCookie(r);
  assert.ok(set, 'no liaison_session cookie');
  const a = cookieAttrs(set);
  assert.ok(a.value.length >= 16, `cookie value too short: ${a.value}`);
  assert.equal(a.httponly, true, set);
  assert.equal(String(a.samesite).toLowerCase(), 'strict', set);
  assert.equal(a.path, '/', set);
  assert.deepEqual(Object.keys(r.json).sort(), ['csrf_token', 'user']);
  const u = r.json.user;
  assert.ok(Number.isInteger(u.id) && u.id > 0);
  assert.equal(u.email, 'admin@test.local');
  assert.equal(u.role, 'admin');
  assert.equal(typeof u.name, 'string');
  assert.equal(u.partner_id, null);
  assert.ok(!('password' in u) && !('password_hash' in u), 'the user carries no password data');
  assert.equal(typeof r.json.csrf_token, 'string');
  assert.ok(r.json.csrf_token.length >= 16);
  assert.notEqual(r.json.csrf_token, a.value, 'the CSRF token is not the session id');
});

test('a wrong password and an unknown email give the identical 401', async () => {
  const wrongPw = await new Client(srv.url).post('/api/v1/session', { email: 'manager@test.local', password: 'not the password' });
  const unknown = await new Client(srv.url).post('/api/v1/session', { email: `nobody-${uniq()}@test.local`, password: 'not the password' });
  assert.equal(wrongPw.status, 401);
  assert.equal(unknown.status, 401);
  assert.equal(errorCode(wrongPw), 'unauthenticated');
  assert.deepEqual(wrongPw.json, unknown.json);
  assert.equal(wrongPw.text, unknown.text);
  for (const r of [wrongPw, unknown]) {
    const sc = sessionCookie(r);
    assert.ok(!sc || cookieAttrs(sc).value === '', `no session cookie on failure: ${sc}`);
  }
});

test('sign-in with missing or mistyped fields answers 422', async () => {
  const anon = new Client(srv.url);
  for (const [body, field] of [[{ email: 'admin@test.local' }, 'password'], [{ password: PASSWORD }, 'email'],
    [{ email: 5, password: PASSWORD }, 'email'], [{ email: 'admin@test.local', password: PASSWORD, remember: true }, 'remember']]) {
    const r = await anon.post('/api/v1/session', body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(errorCode(r), 'validation_failed');
    assert.equal(r.json.error.field, field);
  }
});

test('GET /me with and without a session', async () => {
  const c = await signedIn(srv.url, 'liaison');
  const me = await c.get('/api/v1/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, 'liaison@test.local');
  assert.equal(me.json.user.role, 'liaison');
  assert.equal(me.json.user.partner_id, null);
  assert.equal(me.json.csrf_token, c.csrf, '/me gives back the session CSRF token');

  const anon = await new Client(srv.url).get('/api/v1/me');
  assert.equal(anon.status, 401);
  assert.equal(errorCode(anon), 'unauthenticated');

  const forged = await new Client(srv.url).get('/api/v1/me', { headers: { cookie: 'liaison_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  assert.equal(forged.status, 401);
  assert.equal(errorCode(forged), 'unauthenticated');
});

test('sign-out ends the session on the server and clears the cookie', async () => {
  const c = await signedIn(srv.url, 'coordinator');
  const oldCookie = c.cookie;
  const r = await c.del('/api/v1/session');
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  const set = sessionCookie(r);
  assert.ok(set, 'sign-out sends a Set-Cookie that clears the cookie');
  const a = cookieAttrs(set);
  const cleared = a.value === '' || a['max-age'] === '0' || (a.expires && Date.parse(a.expires) < Date.now());
  assert.ok(cleared, `cookie not cleared: ${set}`);
  // The old cookie value is dead on the server, not just forgotten by the browser.
  const again = await new Client(srv.url).get('/api/v1/me', { headers: { cookie: oldCookie } });
  assert.equal(again.status, 401);
  assert.equal(errorCode(again), 'unauthenticated');
  const after = await c.get('/api/v1/me');
  assert.equal(after.status, 401);
});

test('sign-out by cookie needs the CSRF token', async () => {
  const c = await signedIn(srv.url, 'clinician');
  const r = await cookieOnly(c).del('/api/v1/session');
  assert.equal(r.status, 403, r.text);
  assert.equal(errorCode(r), 'csrf_failed');
  assert.equal((await c.get('/api/v1/me')).status, 200, 'still signed in');
});

test('a cookie-signed change without X-CSRF-Token is refused with 403 csrf_failed and changes nothing', async () => {
  const c = await signedIn(srv.url, 'admin');
  const name = `CSRF Missing ${uniq()}`;
  const bare = cookieOnly(c);
  // Reading needs no token.
  assert.equal((await bare.get('/api/v1/partners')).status, 200);
  let r = await bare.post('/api/v1/partners', { name });
  assert.equal(r.status, 403, r.text);
  assert.equal(errorCode(r), 'csrf_failed');
  assert.deepEqual(await findPartners(c, name), [], 'nothing created');

  const created = await c.post('/api/v1/partners', { name: `CSRF Target ${uniq()}` });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  r = await bare.patch(`/api/v1/partners/${id}`, { notes: 'changed' });
  assert.equal(r.status, 403);
  assert.equal(errorCode(r), 'csrf_failed');
  r = await bare.del(`/api/v1/partners/${id}`);
  assert.equal(r.status, 403);
  assert.equal(errorCode(r), 'csrf_failed');
  const now = await c.get(`/api/v1/partners/${id}`);
  assert.deepEqual(now.json, created.json, 'partner unchanged');
});

test('a wrong X-CSRF-Token (or another session\'s) is refused with 403 csrf_failed', async () => {
  const c = await signedIn(srv.url, 'admin');
  const other = await signedIn(srv.url, 'manager');
  const name = `CSRF Wrong ${uniq()}`;
  for (const token of ['wrong', '', c.csrf.slice(0, -1), other.csrf]) {
    const r = await c.post('/api/v1/partners', { name }, { headers: { 'x-csrf-token': token } });
    assert.equal(r.status, 403, `token ${JSON.stringify(token)}: ${r.text}`);
    assert.equal(errorCode(r), 'csrf_failed');
  }
  assert.deepEqual(await findPartners(c, name), []);
  const ok = await c.post('/api/v1/partners', { name });
  assert.equal(ok.status, 201, ok.text);
});

test('an API token works as a bearer token without CSRF; a made-up one is 401', async () => {
  const c = await signedIn(srv.url, 'liaison');
  const t = await c.post('/api/v1/tokens', { name: 'nightly export' });
  assert.equal(t.status, 201, t.text);
  assert.deepEqual(Object.keys(t.json).sort(), ['created_at', 'expires_at', 'id', 'name', 'token']);
  assert.equal(t.json.name, 'nightly export');
  assert.equal(typeof t.json.token, 'string');
  assert.ok(t.json.token.length >= 20);
  assert.match(t.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  const life = Date.parse(t.json.expires_at) - Date.parse(t.json.created_at);
  assert.ok(Math.abs(life - 90 * DAY) < 3600e3, `default lifetime is 90 days, got ${life / DAY}`);

  const b = new Client(srv.url);
  b.bearer = t.json.token;
  const me = await b.get('/api/v1/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, 'liaison@test.local');
  assert.equal(me.json.csrf_token, null);
  const name = `Bearer Clinic ${uniq()}`;
  const p = await b.post('/api/v1/partners', { name });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.name, name);
  const patched = await b.patch(`/api/v1/partners/${p.json.id}`, { stage: 'contacted' });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.stage, 'contacted');

  for (const token of ['lsn_madeUpTokenThatIsLongEnough0000000', t.json.token + 'x', 'x']) {
    const f = new Client(srv.url);
    f.bearer = token;
    let r = await f.get('/api/v1/me');
    assert.equal(r.status, 401, `${token}: ${r.text}`);
    assert.equal(errorCode(r), 'unauthenticated');
    const fake = `Fake Bearer ${uniq()}`;
    r = await f.post('/api/v1/partners', { name: fake });
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'unauthenticated');
    assert.deepEqual(await findPartners(c, fake), []);
  }
});

test('token lifetime and validation', async () => {
  const c = await signedIn(srv.url, 'manager');
  const t = await c.post('/api/v1/tokens', { name: 'تقرير الإحالات', expires_in_days: 7 });
  assert.equal(t.status, 201, t.text);
  assert.equal(t.json.name, 'تقرير الإحالات');
  const life = Date.parse(t.json.expires_at) - Date.parse(t.json.created_at);
  assert.ok(Math.abs(life - 7 * DAY) < 3600e3, `7 days, got ${life / DAY}`);
  const t2 = await c.post('/api/v1/tokens', { name: 'second', expires_in_days: 365 });
  assert.equal(t2.status, 201, t2.text);
  assert.notEqual(t2.json.token, t.json.token);

  for (const [body, field] of [[{}, 'name'], [{ name: '' }, 'name'], [{ name: 'x'.repeat(201) }, 'name'], [{ name: 5 }, 'name'],
    [{ name: 'x', expires_in_days: 0 }, 'expires_in_days'], [{ name: 'x', expires_in_days: 366 }, 'expires_in_days'],
    [{ name: 'x', expires_in_days: '30' }, 'expires_in_days'], [{ name: 'x', expires_in_days: 1.5 }, 'expires_in_days'],
    [{ name: 'x', scope: 'all' }, 'scope']]) {
    const r = await c.post('/api/v1/tokens', body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(errorCode(r), 'validation_failed');
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const bare = cookieOnly(c);
  const r = await bare.post('/api/v1/tokens', { name: 'no csrf' });
  assert.equal(r.status, 403);
  assert.equal(errorCode(r), 'csrf_failed');
  const anon = await new Client(srv.url).post('/api/v1/tokens', { name: 'anon' });
  assert.equal(anon.status, 401);
  assert.equal(errorCode(anon), 'unauthenticated');
});
