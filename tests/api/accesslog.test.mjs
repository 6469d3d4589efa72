// The access log on stderr: one line per request, and never a secret
// (password, session cookie, CSRF token, API token).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, PASSWORD } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Request lines: those that name an HTTP method and a path (startup and
// other messages may come and go around them).
const lines = () => srv.log().split('\n').filter((l) => /\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*/.test(l));

async function waitForLines(n, baseline) {
  for (let i = 0; i < 50 && lines().length < baseline + n; i++) await sleep(50);
  await sleep(200); // and make sure no more arrive
  return lines().slice(baseline);
}

test('one line per request, naming method, path and status; no secrets', async () => {
  const baseline = lines().length;
  const c = new Client(srv.url);
  const requests = [];
  const signIn = await c.signIn('admin@test.local');
  assert.equal(signIn.status, 200);
  requests.push(['POST', '/api/v1/session', 200]);
  const created = await c.post('/api/v1/partners', { name: 'Logged Clinic', notes: 'nothing secret' });
  assert.equal(created.status, 201);
  requests.push(['POST', '/api/v1/partners', 201]);
  const token = await c.post('/api/v1/tokens', { name: 'log test' });
  assert.equal(token.status, 201);
  requests.push(['POST', '/api/v1/tokens', 201]);
  const b = new Client(srv.url);
  b.bearer = token.json.token;
  assert.equal((await b.get('/api/v1/me')).status, 200);
  requests.push(['GET', '/api/v1/me', 200]);
  assert.equal((await new Client(srv.url).post('/api/v1/session', { email: 'admin@test.local', password: 'Wrong-Secret-Password' })).status, 401);
  requests.push(['POST', '/api/v1/session', 401]);
  assert.equal((await c.get(`/api/v1/partners/${created.json.id}`)).status, 200);
  requests.push(['GET', `/api/v1/partners/${created.json.id}`, 200]);
  assert.equal((await new Client(srv.url).get('/api/v1/nope')).status, 404);
  requests.push(['GET', '/api/v1/nope', 404]);

  const got = await waitForLines(requests.length, baseline);
  assert.equal(got.length, requests.length, `one line per request:\n${got.join('\n')}`);
  // Each request matches exactly one line (lines are written when a request
  // completes, so their order may differ from the order of the answers).
  const unused = [...got];
  for (const [method, path, status] of requests) {
    const re = new RegExp(`\\b${method} ${path.replace(/[/]/g, '\\/')}(\\s|\\?|"|$).*(^|\\D)${status}(\\D|$)`);
    const i = unused.findIndex((l) => re.test(l));
    assert.ok(i >= 0, `a line for ${method} ${path} ${status} in:\n${got.join('\n')}`);
    unused.splice(i, 1);
  }
  assert.deepEqual(unused, []);

  const log = srv.log() + srv.stdout();
  const cookieValue = c.cookie.split('=')[1];
  for (const [what, secret] of [['password', PASSWORD], ['wrong password', 'Wrong-Secret-Password'],
    ['session cookie', cookieValue], ['CSRF token', c.csrf], ['API token', token.json.token]]) {
    assert.ok(secret && secret.length >= 8, `${what} is known`);
    assert.ok(!log.includes(secret), `the log contains the ${what}`);
  }
});
