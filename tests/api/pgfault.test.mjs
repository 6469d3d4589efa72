// PostgreSQL faults: the database down at start is a one-line error and exit
// 1; down in the middle of serving, requests answer 503 JSON quickly (no crash,
// no hang); when it is back, the same server recovers by itself. Uses a
// cluster of its own (scripts/pg) so the shared one is never stopped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, signedIn, cli, pgAdminUrl } from '../lib/server.mjs';

const enabled = Boolean(pgAdminUrl());
const pgScript = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'pg');
let parent, dir, url, srv;

function pg(...args) {
  const r = spawnSync(pgScript, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/pg ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

before(async () => {
  if (!enabled) return;
  parent = mkdtempSync(join(tmpdir(), 'liaison-pgfault-'));
  dir = join(parent, 'pg');
  url = pg('start', dir);
  srv = await startServer({ db: url });
});

after(async () => {
  if (!enabled) return;
  await srv?.stop();
  pg('stop', dir);
  rmSync(parent, { recursive: true, force: true });
});

test('PostgreSQL down at start: one line on stderr, exit 1', () => {
  const r = cli(['serve', '--db', 'postgresql://liaison@127.0.0.1:1/none', '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /cannot connect to PostgreSQL/);
  const i = cli(['init', '--db', 'postgresql://liaison@127.0.0.1:1/none']);
  assert.equal(i.status, 1);
});

test('down mid-serving answers 503 JSON, then recovers by itself', { skip: !enabled && 'needs PostgreSQL' }, async () => {
  const c = await signedIn(srv.url, 'admin');
  assert.equal((await c.get('/api/v1/partners')).status, 200);
  pg('down', dir);
  for (const path of ['/api/v1/partners', '/api/v1/me', '/healthz']) {
    const t0 = Date.now();
    const r = await c.get(path);
    assert.equal(r.status, 503, `${path} while down: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'unavailable');
    assert.ok(Date.now() - t0 < 10000, 'answered quickly, not hung');
  }
  const w = await c.post('/api/v1/partners', { name: 'While down' });
  assert.equal(w.status, 503);
  pg('up', dir);
  let ok = false;
  for (let i = 0; i < 20 && !ok; i++) {
    ok = (await c.get('/api/v1/partners')).status === 200;
    if (!ok) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(ok, 'the server recovered when PostgreSQL came back');
  const after = await c.post('/api/v1/partners', { name: 'After the outage' });
  assert.equal(after.status, 201, after.text);
  const list = await c.get('/api/v1/partners?q=outage');
  assert.deepEqual(list.json.items.map((p) => p.name), ['After the outage']);
  assert.equal((await c.get('/api/v1/partners?q=while%20down')).json.items.length, 0, 'nothing half-written');
});
