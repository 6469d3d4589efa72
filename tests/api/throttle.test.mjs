// Sign-in throttling: 5 failures per email, 20 per client address, within
// 15 minutes, then 429 rate_limited with Retry-After — even with the right
// password. Each limit gets its own fresh server so the counters start at 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const signIn = (url, email, password, headers = {}) => new Client(url).post('/api/v1/session', { email, password }, { headers });

function assertRateLimited(r, what) {
  assert.equal(r.status, 429, `${what}: ${r.status} ${r.text}`);
  assert.equal(errorCode(r), 'rate_limited', what);
  const ra = r.headers.get('retry-after');
  assert.match(ra || '', /^\d+$/, `${what}: Retry-After must be whole seconds, got ${ra}`);
  assert.ok(Number(ra) >= 1 && Number(ra) <= 900, `${what}: Retry-After ${ra} outside 1..900 s`);
  const sc = r.headers.get('set-cookie');
  assert.ok(!sc || !/liaison_session=[^;]+/.test(sc), `${what}: no session on a throttled sign-in`);
}

test('5 wrong passwords for one email: the 6th attempt is 429 even with the right password; other accounts still sign in', async () => {
  const srv = await startServer();
  servers.push(srv);
  for (let i = 1; i <= 5; i++) {
    const r = await signIn(srv.url, 'manager@test.local', `wrong password ${i}`);
    assert.equal(r.status, 401, `failure ${i}: ${r.text}`);
    assert.equal(errorCode(r), 'unauthenticated');
  }
  assertRateLimited(await signIn(srv.url, 'manager@test.local', PASSWORD), '6th attempt, right password');
  assertRateLimited(await signIn(srv.url, 'manager@test.local', 'wrong again'), '7th attempt, wrong password');

  const other = await signIn(srv.url, 'liaison@test.local', PASSWORD);
  assert.equal(other.status, 200, `another account: ${other.text}`);
  assert.equal(other.json.user.email, 'liaison@test.local');
});

test('20 failures from one client across different unknown emails: a further attempt on another account is 429', async () => {
  const srv = await startServer();
  servers.push(srv);
  for (let i = 1; i <= 20; i++) {
    const r = await signIn(srv.url, `unknown-${i}@test.local`, 'guess');
    assert.equal(r.status, 401, `failure ${i}: ${r.status} ${r.text}`);
    assert.equal(errorCode(r), 'unauthenticated');
  }
  assertRateLimited(await signIn(srv.url, 'coordinator@test.local', PASSWORD), '21st attempt from the address, right password');
  assertRateLimited(await signIn(srv.url, 'unknown-21@test.local', 'guess'), '22nd attempt from the address');
  // A client-supplied forwarding header must not reset the per-address count.
  assertRateLimited(await signIn(srv.url, 'admin@test.local', PASSWORD, { 'x-forwarded-for': '203.0.113.77', 'x-real-ip': '203.0.113.77' }),
    'attempt with a spoofed X-Forwarded-For');
});
