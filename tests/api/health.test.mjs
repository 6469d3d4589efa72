// HTTP basics: /healthz, security headers, static files and path traversal,
// 404 / 405 / 413 / 415 / 400 answers from the router.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client, signedIn } from '../lib/server.mjs';

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
let srv, fsSrv, admin;
before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
  // A second server that reads the UI from disk (--web-root), where path
  // traversal would matter most.
  fsSrv = await startServer({ users: false, args: ['--web-root', WEB] });
});
after(async () => { await srv?.stop(); await fsSrv?.stop(); });

// A request sent byte for byte as given (fetch would normalise the path).
function raw(path, { method = 'GET', headers = {}, body, chunked = false, base = srv.url } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) {
      if (chunked) {
        // Several chunks, no Content-Length: the limit must hold for chunked bodies too.
        const step = 8192;
        for (let i = 0; i < body.length; i += step) req.write(body.slice(i, i + step));
      } else req.write(body);
    }
    req.end();
  });
}

function errorCode(r) { return r.json && r.json.error && r.json.error.code; }

async function countPartners(c) {
  let n = 0;
  for (const archived of ['', '&archived=true']) {
    let cursor = null;
    do {
      const r = await c.get(`/api/v1/partners?limit=500${archived}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      n += r.json.items.length;
      cursor = r.json.next_cursor;
    } while (cursor);
  }
  return n;
}

function assertSecurityHeaders(get, what) {
  const csp = get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy is missing`);
  const dirs = {};
  for (const d of csp.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...vals] = d.split(/\s+/);
    dirs[name.toLowerCase()] = vals;
  }
  const script = dirs['script-src'] || dirs['default-src'];
  assert.ok(script, `${what}: CSP has neither script-src nor default-src: ${csp}`);
  assert.ok(!script.includes("'unsafe-inline'"), `${what}: CSP script-src allows 'unsafe-inline': ${csp}`);
  assert.equal((get('x-content-type-options') || '').toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
  const rp = get('referrer-policy');
  assert.ok(rp, `${what}: Referrer-Policy is missing`);
  assert.ok(!/unsafe-url/i.test(rp), `${what}: Referrer-Policy ${rp}`);
  const xfo = (get('x-frame-options') || '').toUpperCase();
  const fa = dirs['frame-ancestors'];
  assert.ok(xfo === 'DENY' || (fa && fa.length === 1 && fa[0] === "'none'"),
    `${what}: neither X-Frame-Options DENY nor frame-ancestors 'none' (XFO=${xfo}, CSP=${csp})`);
}

test('GET /healthz answers 200 {"status":"ok"} as JSON without sign-in', async () => {
  const r = await new Client(srv.url).get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  assert.match(r.headers.get('content-type') || '', /^application\/json;\s*charset=utf-8$/i);
});

test('security headers are on every kind of response', async () => {
  const anon = new Client(srv.url);
  const cases = [
    ['healthz', await anon.get('/healthz')],
    ['index', await anon.get('/')],
    ['app.js', await anon.get('/js/app.js')],
    ['api 404', await anon.get('/api/v1/nope')],
    ['api 401', await anon.get('/api/v1/me')],
    ['api 405', await anon.request('PUT', '/api/v1/partners')],
    ['api 200', await admin.get('/api/v1/partners')],
    ['api 422', await admin.post('/api/v1/partners', {})],
  ];
  for (const [what, r] of cases) assertSecurityHeaders((h) => r.headers.get(h), what);
  const t = await raw('/../etc/passwd');
  assertSecurityHeaders((h) => t.headers[h], 'traversal attempt');
});

test('static files: / is HTML, /js/app.js is JavaScript', async () => {
  const anon = new Client(srv.url);
  const index = await anon.get('/');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') || '', /^text\/html\b/i);
  assert.match(index.text, /<!doctype html|<html/i);
  const js = await anon.get('/js/app.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') || '', /^(text|application)\/javascript\b/i);
  assert.ok(js.text.length > 0);
});

for (const which of ['embedded UI', '--web-root']) {
  test(`path traversal never serves a file outside web/ (${which})`, async () => {
    const base = which === 'embedded UI' ? srv.url : fsSrv.url;
    const index = await new Client(base).get('/');
    assert.equal(index.status, 200);
    const attempts = [
      '/../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/js/..%2f..%2fCMakeLists.txt',
      '/js/../../CMakeLists.txt',
      '/js/%2e%2e/%2e%2e/CMakeLists.txt',
      '/js/..%5c..%5cCMakeLists.txt',
      '/../CMakeLists.txt',
      '/../src/http/routes.def',
      '/js/..%2f..%2fsrc%2fhttp%2froutes.def',
      '/%2e%2e/src/http/routes.def',
      '//etc/passwd',
      '/js/%00../../CMakeLists.txt',
      '/js/....//....//CMakeLists.txt',
      '/%252e%252e/%252e%252e/etc/passwd',
    ];
    for (const p of attempts) {
      const r = await raw(p, { base });
      assert.ok(!/root:.*:0:0:/.test(r.body), `${p} served /etc/passwd`);
      assert.ok(!/cmake_minimum_required|project\s*\(/i.test(r.body), `${p} served CMakeLists.txt`);
      assert.ok(!/ROUTE\(GET/.test(r.body), `${p} served routes.def`);
      const ok = r.status === 404 || r.status === 400 || (r.status === 200 && r.body === index.text);
      assert.ok(ok, `${p}: expected 404 (or the index page), got ${r.status}`);
    }
  });
}

test('an unknown API path answers 404 not_found as JSON', async () => {
  const anon = new Client(srv.url);
  for (const p of ['/api/v1/nope', '/api/v1/partners/abc', '/api/v1/partners/1/nope', '/api/v2/partners']) {
    const r = await anon.get(p);
    assert.equal(r.status, 404, p);
    assert.match(r.headers.get('content-type') || '', /^application\/json/i, p);
    assert.equal(errorCode(r), 'not_found', `${p}: ${r.text}`);
    assert.equal(typeof r.json.error.message, 'string');
  }
  const signed = await admin.get('/api/v1/nope');
  assert.equal(signed.status, 404);
  assert.equal(errorCode(signed), 'not_found');
});

test('a known path with the wrong method answers 405 with Allow', async () => {
  const allowOf = (r) => (r.headers.get('allow') || '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  let r = await new Client(srv.url).request('DELETE', '/healthz');
  assert.equal(r.status, 405);
  assert.equal(errorCode(r), 'method_not_allowed');
  assert.ok(allowOf(r).includes('GET'), `Allow: ${r.headers.get('allow')}`);
  assert.ok(!allowOf(r).includes('DELETE'));

  r = await admin.request('PUT', '/api/v1/partners', { name: 'Nobody' });
  assert.equal(r.status, 405);
  assert.equal(errorCode(r), 'method_not_allowed');
  assert.match(r.headers.get('content-type') || '', /^application\/json/i);
  assert.deepEqual(allowOf(r).filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m)).sort(), ['GET', 'POST']);

  r = await admin.post('/api/v1/partners/1', { name: 'Nobody' });
  assert.equal(r.status, 405);
  assert.deepEqual(allowOf(r).filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m)).sort(), ['DELETE', 'GET', 'PATCH']);

  r = await new Client(srv.url).get('/api/v1/session');
  assert.equal(r.status, 405);
  assert.deepEqual(allowOf(r).filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m)).sort(), ['DELETE', 'POST']);
});

test('a body over the route limit answers 413 too_large and stores nothing', async () => {
  const before = await countPartners(admin);
  // POST /api/v1/partners accepts 65536 bytes.
  let r = await admin.post('/api/v1/partners', { name: 'Too Large Clinic', notes: 'x'.repeat(70000) });
  assert.equal(r.status, 413, r.text);
  assert.equal(errorCode(r), 'too_large');

  // The same without Content-Length (chunked).
  const body = JSON.stringify({ name: 'Too Large Chunked', notes: 'y'.repeat(70000) });
  const c = await raw('/api/v1/partners', {
    method: 'POST', body, chunked: true,
    headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
  });
  assert.equal(c.status, 413, c.body);
  assert.equal(JSON.parse(c.body).error.code, 'too_large');

  // Sign-in accepts 4096 bytes.
  r = await new Client(srv.url).post('/api/v1/session', { email: 'admin@test.local', password: 'p'.repeat(5000) });
  assert.equal(r.status, 413, r.text);
  assert.equal(errorCode(r), 'too_large');

  assert.equal(await countPartners(admin), before);
});

test('a body that is not application/json answers 415 unsupported_media_type', async () => {
  const before = await countPartners(admin);
  const body = JSON.stringify({ name: 'Plain Text Clinic' });
  let r = await admin.post('/api/v1/partners', body, { raw: true, headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 415, r.text);
  assert.equal(errorCode(r), 'unsupported_media_type');

  r = await admin.post('/api/v1/partners', 'name=Form+Clinic', { raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415, r.text);
  assert.equal(errorCode(r), 'unsupported_media_type');

  // Sign-in from an HTML form (a cross-site form post) is refused as well.
  r = await new Client(srv.url).post('/api/v1/session', 'email=admin%40test.local&password=x', { raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r.status, 415, r.text);
  assert.equal(errorCode(r), 'unsupported_media_type');

  assert.equal(await countPartners(admin), before);

  // With a charset parameter it is still JSON.
  r = await admin.post('/api/v1/partners', body, { raw: true, headers: { 'content-type': 'application/json; charset=utf-8' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, 'Plain Text Clinic');
});

test('malformed JSON answers 400 malformed_json and stores nothing', async () => {
  const before = await countPartners(admin);
  for (const body of ['{"name": ', '{"name": "A",}', "{'name': 'A'}", '{"name": "A"} trailing', 'not json']) {
    const r = await admin.post('/api/v1/partners', body, { raw: true });
    assert.equal(r.status, 400, `${body}: ${r.text}`);
    assert.equal(errorCode(r), 'malformed_json', body);
  }
  const r = await new Client(srv.url).post('/api/v1/session', '{"email":', { raw: true });
  assert.equal(r.status, 400, r.text);
  assert.equal(errorCode(r), 'malformed_json');
  // Invalid UTF-8 inside a string is not JSON text either.
  const bad = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const b = await admin.post('/api/v1/partners', bad, { raw: true });
  assert.ok(b.status === 400 || b.status === 422, `invalid UTF-8: ${b.status} ${b.text}`);
  assert.equal(await countPartners(admin), before);
});
