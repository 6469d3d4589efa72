// Horizontal scale: two `liaison serve` processes on one PostgreSQL database
// behind Debian's nginx as a round-robin load balancer. No state lives in a
// process: a session made through one instance works on both, sign-in
// throttling counts across both, and writes through both land in one list in
// order, without duplicates or gaps, with one intact audit chain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import {
  startServer, Client, cli, addUser, pgAdminUrl, createPgDatabase, dropPgDatabase, STAFF_ROLES, PASSWORD,
} from '../lib/server.mjs';

const enabled = Boolean(pgAdminUrl());
let db, a, b, lb, lbUrl, dir;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function startNginx(upstreams) {
  dir = mkdtempSync(join(tmpdir(), 'liaison-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  upstream liaison { ${upstreams.map((u) => `server ${u};`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://liaison; proxy_set_header Host $host; }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const args = ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')];
  const check = spawnSync('nginx', ['-t', ...args], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
  const proc = spawn('nginx', args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${url}/healthz`)).status === 200) return { proc, url }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
}

const hostPort = (url) => url.replace(/^http:\/\//, '');

before(async () => {
  if (!enabled) return;
  db = createPgDatabase();
  assert.equal(cli(['init', '--db', db]).status, 0);
  for (const role of STAFF_ROLES) addUser(db, role, `${role}@test.local`);
  a = await startServer({ db, users: false });
  b = await startServer({ db, users: false });
  lb = await startNginx([hostPort(a.url), hostPort(b.url)]);
  lbUrl = lb.url;
});

after(async () => {
  if (!enabled) return;
  lb?.proc.kill('SIGTERM');
  await a?.stop();
  await b?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (db) dropPgDatabase(db);
});

const requestsServed = (srv) => srv.log().split('\n').filter((l) => / access /.test(l)).length;

test('a session made through the balancer works on both instances', { skip: !enabled && 'needs PostgreSQL' }, async () => {
  const c = new Client(lbUrl);
  const r = await c.signIn('coordinator@test.local');
  assert.equal(r.status, 200, r.text);
  for (const srv of [a, b]) {
    const direct = new Client(srv.url);
    direct.cookie = c.cookie;
    direct.csrf = c.csrf;
    const me = await direct.get('/api/v1/me');
    assert.equal(me.status, 200, `${srv.url}: ${me.text}`);
    assert.equal(me.json.user.email, 'coordinator@test.local');
    assert.equal(me.json.csrf_token, c.csrf, 'the CSRF token is the same row on both');
    // A change with the CSRF token is accepted by either instance.
    const p = await direct.post('/api/v1/partners', { name: `Made via ${srv.url}` });
    assert.equal(p.status, 201, p.text);
  }
  // Signing out through the balancer ends the session everywhere.
  assert.equal((await c.del('/api/v1/session')).status, 204);
  for (const srv of [a, b]) {
    const direct = new Client(srv.url);
    direct.cookie = c.cookie;
    assert.equal((await direct.get('/api/v1/me')).status, 401);
  }
});

test('sign-in throttling counts failures across both instances', { skip: !enabled && 'needs PostgreSQL' }, async () => {
  // Five failures, alternating between the instances directly.
  for (let i = 0; i < 5; i++) {
    const r = await new Client([a, b][i % 2].url).signIn('clinician@test.local', 'wrong password!');
    assert.equal(r.status, 401);
  }
  for (const srv of [a, b]) {
    const r = await new Client(srv.url).signIn('clinician@test.local', PASSWORD);
    assert.equal(r.status, 429, `${srv.url} should refuse: ${r.text}`);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  }
});

test('writes through both instances appear in one list, in order, without duplicates or gaps', { skip: !enabled && 'needs PostgreSQL' }, async () => {
  const c = new Client(lbUrl);
  assert.equal((await c.signIn('liaison@test.local')).status, 200);
  const beforeA = requestsServed(a), beforeB = requestsServed(b);
  const N = 60;
  const created = [];
  for (let i = 0; i < N; i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, (_, k) =>
      c.post('/api/v1/partners', { name: `Scale Partner ${String(i + k).padStart(3, '0')}` })));
    for (const r of batch) { assert.equal(r.status, 201, r.text); created.push(r.json); }
  }
  assert.ok(requestsServed(a) - beforeA >= 10, 'instance A served a share of the writes');
  assert.ok(requestsServed(b) - beforeB >= 10, 'instance B served a share of the writes');

  const ids = created.map((p) => p.id).sort((x, y) => x - y);
  assert.equal(new Set(ids).size, N, 'no duplicate ids');
  assert.equal(ids[N - 1] - ids[0] + 1, N, 'no gaps in the ids');

  for (const srv of [a, b]) {
    const direct = new Client(srv.url);
    direct.cookie = c.cookie;
    const list = await direct.get('/api/v1/partners?q=scale%20partner&limit=500');
    assert.equal(list.status, 200);
    const names = list.json.items.map((p) => p.name);
    assert.deepEqual(names, [...created.map((p) => p.name)].sort(), `${srv.url} lists every write in order`);
  }
  // One audit chain, written by two processes, is intact.
  const v = cli(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stderr);
});
