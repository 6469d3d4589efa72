// The demo loader (`serve --demo`) writes through the same service functions
// as the API: every referral, appointment and document it makes has its
// audit entry, and the data still covers the lifecycle (every state past
// draft, overdue work, documents). Checked straight in the database (the sqlite3
// tool, or psql on PostgreSQL), and the audit chain through the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, signedIn, cli, isPostgres, pgAdminUrl, createPgDatabase, dropPgDatabase } from '../lib/server.mjs';

let srv, dir, pgDb;

function sql(q) {
  const r = isPostgres(srv.db)
    ? spawnSync('psql', ['-X', '-q', '-At', '-F', '|', '-d', srv.db, '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

const count = (q) => Number(sql(q)[0][0]);

// The demo is loaded by `liaison demo` before the server starts (on
// PostgreSQL it takes longer than a server's start-up is given).
before(async () => {
  let db;
  if (pgAdminUrl()) {
    db = pgDb = createPgDatabase();
  } else {
    dir = mkdtempSync(join(tmpdir(), 'liaison-demo-'));
    db = join(dir, 'demo.db');
  }
  for (const args of [['init', '--db', db], ['demo', '--db', db]]) {
    const r = cli(args);
    assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
  }
  srv = await startServer({ db });
});

after(async () => {
  await srv?.stop();
  if (pgDb) dropPgDatabase(pgDb);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Rows of `table` with no audit entry of `action` naming them.
const unaudited = (table, action, type) =>
  count(`SELECT COUNT(*) FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = '${action}' ` +
        `AND a.record_type = '${type}' AND a.record_id = t.id)`);

test('every demo appointment has its audit entry', () => {
  assert.ok(count('SELECT COUNT(*) FROM appointments') > 0, 'the demo books appointments');
  assert.equal(unaudited('appointments', 'appointment.create', 'appointment'), 0);
});

test('every demo document has its audit entry', () => {
  assert.ok(count('SELECT COUNT(*) FROM documents') > 0, 'the demo attaches documents');
  assert.equal(unaudited('documents', 'document.create', 'document'), 0);
});

test('every demo referral has its creation audited, and every move', () => {
  assert.equal(unaudited('referrals', 'referral.create', 'referral'), 0);
  const moves = count('SELECT COUNT(*) FROM referral_events WHERE from_status IS NOT NULL');
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'referral.move'`), moves);
});

// Every state past the first: the demo's drafts are sent at once (a draft
// "still being prepared" is a rare draw that its fixed seed does not make).
const STATES = ['accepted', 'cancelled', 'completed', 'declined', 'entered_in_error', 'expired', 'failed',
  'info_requested', 'received', 'redirected', 'scheduled', 'seen', 'sent', 'waitlisted'];

test('the demo still covers the lifecycle: every state past draft, overdue work', async () => {
  const states = sql('SELECT DISTINCT status FROM referrals').map((r) => r[0]);
  for (const s of STATES) assert.ok(states.includes(s), `no ${s} referral; states: ${states.join(', ')}`);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(count(`SELECT COUNT(*) FROM referrals WHERE due_at IS NOT NULL AND due_at < ${now}`) > 0, 'overdue ones');
  const admin = await signedIn(srv.url, 'admin');
  const r = await admin.get('/api/v1/referrals?overdue=true&limit=1');
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 1);
});

test('the audit chain the demo wrote is intact', () => {
  const r = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
});

test('the demo shows one restored partner: back in the list, archived and restored on its timeline, audited', async () => {
  const restored = count("SELECT COUNT(DISTINCT partner_id) FROM partner_events WHERE kind = 'restored'");
  assert.equal(restored, 1);
  const id = count("SELECT partner_id FROM partner_events WHERE kind = 'restored'");
  const c = await signedIn(srv.url, 'admin');
  const p = await c.get(`/api/v1/partners/${id}`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.archived, false);
  const tl = await c.get(`/api/v1/partners/${id}/timeline`);
  assert.deepEqual(tl.json.items.filter((x) => x.kind === 'record').map((x) => x.title), ['restored', 'archived']);
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'partner.restore' AND record_type = 'partner' AND record_id = ${id}`), 1);
});
