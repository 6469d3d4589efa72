// `liaison backup` while the server is writing: the copy is consistent (its
// audit chain verifies and every partner it holds is whole), it is refused
// over an existing file, and on PostgreSQL the pg_dump file restores.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, signedIn, cli, BIN, isPostgres, createPgDatabase, dropPgDatabase, psql,
} from '../lib/server.mjs';

let srv, c;
before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'admin');
  for (let i = 0; i < 20; i++) assert.equal((await c.post('/api/v1/partners', { name: `Backup ${i}` })).status, 201);
});
after(async () => { await srv?.stop(); });

function runBackup(file) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['backup', '--db', srv.db, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, out, err })); // after stderr is read
  });
}

test('a backup taken during writes is consistent', async () => {
  const file = join(srv.dir, isPostgres(srv.db) ? 'copy.dump' : 'copy.db');
  let writing = true;
  const writer = (async () => {
    let n = 0;
    while (writing) { await c.post('/api/v1/partners', { name: `During ${n++}` }); }
    return n;
  })();
  const r = await runBackup(file);
  writing = false;
  const written = await writer;
  assert.equal(r.status, 0, r.err);
  assert.match(r.out, isPostgres(srv.db) ? /pg_dump/ : /SQLite online backup/);
  assert.ok(written > 0, 'writes went on during the backup');
  assert.ok(existsSync(file));
  assert.ok(!existsSync(`${file}.partial`), 'no partial file left behind');

  let copyDb = file;
  if (isPostgres(srv.db)) {
    copyDb = createPgDatabase();
    const restore = spawnSync('pg_restore', ['--no-owner', '--dbname', copyDb, file], { encoding: 'utf8' });
    assert.equal(restore.status, 0, restore.stderr);
  }
  try {
    const v = cli(['audit', 'verify', '--db', copyDb]);
    assert.equal(v.status, 0, `the copy's audit chain: ${v.stderr}`);
    // Every partner in the copy has its audit entry: nothing half-copied.
    const q = "SELECT (SELECT COUNT(*) FROM partners) || ' ' || (SELECT COUNT(*) FROM audit_log WHERE action = 'partner.create')";
    const counts = isPostgres(copyDb)
      ? psql(copyDb, q).trim()
      : spawnSync('sqlite3', [copyDb, q], { encoding: 'utf8' }).stdout.trim();
    const [partners, creates] = counts.split(' ').map(Number);
    assert.ok(partners >= 20, `the copy holds the partners made before it (${partners})`);
    assert.equal(partners, creates);
  } finally {
    if (isPostgres(copyDb)) dropPgDatabase(copyDb);
  }
});

test('a backup never overwrites an existing file', async () => {
  const file = join(srv.dir, 'exists.bin');
  writeFileSync(file, 'keep me');
  const r = await runBackup(file);
  assert.equal(r.status, 1);
  assert.match(r.err, /already exists/);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.equal(spawnSync('cat', [file], { encoding: 'utf8' }).stdout, 'keep me');
});

test('backup --help and usage errors', () => {
  const h = cli(['backup', '--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /backup --db URL FILE/);
  const u = cli(['backup', '--db', srv.db]);
  assert.equal(u.status, 2);
});
