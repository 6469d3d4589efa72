// Sign-in throttling: 5 failures for one email from one client address, or
// 20 from one client address (any emails), within 15 minutes, then 429
// rate_limited with Retry-After — even with the right password. Failures from
// one address never lock the account for its owner signing in from another.
// Each limit gets its own fresh server so the counters start at 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const signIn = (url, email, password, headers = {}) => new Client(url).post('/api/v1/session', { email, password }, { headers });

// The same sign-in from another loopback address (127.0.0.2 …): to the server,
// another client.
function signInFrom(from, url, email, password) {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/v1/session`, {
      method: 'POST', localAddress: from, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode, json, text, headers: { get: (k) => res.headers[k.toLowerCase()] ?? null } });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function assertRateLimited(r, what) {
  assert.equal(r.status, 429, `${what}: ${r.status} ${r.text}`);
  assert.equal(errorCode(r), 'rate_limited', what);
  const ra = r.headers.get('retry-after');
  assert.match(ra || '', /^\d+$/, `${what}: Retry-After must be whole seconds, got ${ra}`);
  assert.ok(Number(ra) >= 1 && Number(ra) <= 900, `${what}: Retry-After ${ra} outside 1..900 s`);
  const sc = r.headers.get('set-cookie');
  assert.ok(!sc || !/liaison_session=[^;]+/.test(sc), `${what}: no session on a throttled sign-in`);
}

test('5 wrong passwords for one email from one address: the 6th attempt from there is 429 even with the right password; other accounts still sign in', async () => {
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

test('failures from one address do not lock the owner out from another address', async () => {
  const srv = await startServer();
  servers.push(srv);
  // Someone at 127.0.0.2 tries 5 passwords for the manager, then 15 more
  // across other accounts: both of its limits are reached.
  for (let i = 1; i <= 5; i++) {
    const r = await signInFrom('127.0.0.2', srv.url, 'manager@test.local', `guess ${i}`);
    assert.equal(r.status, 401, `failure ${i}: ${r.text}`);
  }
  assertRateLimited(await signInFrom('127.0.0.2', srv.url, 'manager@test.local', PASSWORD), 'the guessing address, right password');
  for (let i = 1; i <= 15; i++) {
    const r = await signInFrom('127.0.0.2', srv.url, `unknown-${i}@test.local`, 'guess');
    assert.equal(r.status, 401, `other failure ${i}: ${r.text}`);
  }
  assertRateLimited(await signInFrom('127.0.0.2', srv.url, 'admin@test.local', PASSWORD), 'the guessing address, another account');

  // The manager, from their own address, signs in at once.
  const own = await signIn(srv.url, 'manager@test.local', PASSWORD);
  assert.equal(own.status, 200, `the owner from another address: ${own.text}`);
  assert.equal(own.json.user.email, 'manager@test.local');
  // So does someone from a third address, after failing a few times there.
  for (let i = 1; i <= 4; i++) assert.equal((await signInFrom('127.0.0.3', srv.url, 'manager@test.local', `typo ${i}`)).status, 401);
  const third = await signInFrom('127.0.0.3', srv.url, 'manager@test.local', PASSWORD);
  assert.equal(third.status, 200, `a third address, 4 failures there: ${third.text}`);
  // A success clears that address's failures for the account: 5 more are allowed.
  for (let i = 1; i <= 5; i++) assert.equal((await signInFrom('127.0.0.3', srv.url, 'manager@test.local', `typo again ${i}`)).status, 401);
  assertRateLimited(await signInFrom('127.0.0.3', srv.url, 'manager@test.local', PASSWORD), 'the third address after 5 more failures');
  // And the guessing address is still refused.
  assertRateLimited(await signInFrom('127.0.0.2', srv.url, 'manager@test.local', PASSWORD), 'the guessing address, still');
});
