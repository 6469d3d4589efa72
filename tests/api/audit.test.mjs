// The audit log: entries for sign-in and partner create/update/archive, admin
// only, filters, and the hash chain checked by `liaison audit verify` — intact,
// then after altering a row and after removing one (SQLite only: the
// tampering goes straight at the database with the sqlite3 tool or psql).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, Client, signedIn, cli } from '../lib/server.mjs';

let srv, admin, adminId, partnerId;
const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const isPg = () => /^postgres(ql)?:\/\//.test(srv.db);

before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
  adminId = (await admin.get('/api/v1/me')).json.user.id;
  const p = await admin.post('/api/v1/partners', { name: 'Audited Partner' });
  assert.equal(p.status, 201, p.text);
  partnerId = p.json.id;
  assert.equal((await admin.patch(`/api/v1/partners/${partnerId}`, { stage: 'contacted' })).status, 200);
  assert.equal((await admin.del(`/api/v1/partners/${partnerId}`)).status, 204);
});
after(async () => { await srv?.stop(); });

async function allEntries(query = '') {
  const out = [];
  let cursor = null;
  do {
    const r = await admin.get(`/api/v1/audit?limit=500${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  return out;
}
const partnerEntries = (entries) => entries.filter((e) => e.record_id === partnerId && /partner/i.test(e.record_type || ''));

test('admin reads entries for sign-in and partner create, update and archive', async () => {
  const entries = await allEntries();
  assert.ok(entries.length >= 4, `at least 4 entries, got ${entries.length}`);
  for (const e of entries) {
    assert.deepEqual(Object.keys(e).sort(), ['action', 'at', 'client', 'hash', 'id', 'outcome', 'record_id', 'record_type', 'role', 'user_id']);
    assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.match(e.hash, /^[0-9a-f]{64}$/);
    assert.equal(typeof e.action, 'string');
  }
  for (let i = 1; i < entries.length; i++) {
    assert.ok(entries[i - 1].id > entries[i].id, 'newest first');
    assert.ok(entries[i - 1].at >= entries[i].at);
  }
  const signIn = entries.find((e) => e.user_id === adminId && /sign.?in|session|login/i.test(e.action));
  assert.ok(signIn, `a sign-in entry for the admin: ${JSON.stringify(entries.map((e) => e.action))}`);
  assert.equal(signIn.role, 'admin');

  const mine = partnerEntries(entries);
  const has = (re) => mine.find((e) => re.test(e.action));
  const create = has(/creat|insert|add/i);
  const update = has(/updat|patch|edit|chang/i);
  const archive = has(/archiv|delet|remov/i);
  assert.ok(create && update && archive, `create, update, archive entries for partner ${partnerId}: ${JSON.stringify(mine)}`);
  assert.ok(create.id < update.id && update.id < archive.id, 'in the order they happened');
  for (const e of [create, update, archive]) {
    assert.equal(e.user_id, adminId);
    assert.equal(e.role, 'admin');
    assert.equal(e.record_id, partnerId);
    assert.equal(typeof e.outcome, 'string');
  }
  assert.equal(new Set([create.action, update.action, archive.action]).size, 3, 'three distinct actions');
});

test('filters record_type, record_id and action', async () => {
  const entries = await allEntries();
  const mine = partnerEntries(entries);
  const type = mine[0].record_type;
  const filtered = await allEntries(`&record_type=${encodeURIComponent(type)}&record_id=${partnerId}`);
  assert.deepEqual(filtered.map((e) => e.id), mine.map((e) => e.id));
  const action = mine[0].action;
  const byAction = await allEntries(`&action=${encodeURIComponent(action)}`);
  assert.ok(byAction.length >= 1);
  assert.ok(byAction.every((e) => e.action === action));
  assert.ok(byAction.some((e) => e.id === mine[0].id));
  const none = await allEntries('&record_type=partner&record_id=999999999');
  assert.deepEqual(none, []);
});

test('only admins read the audit log', async () => {
  for (const role of ['manager', 'liaison', 'coordinator', 'clinician']) {
    const r = await (await signedIn(srv.url, role)).get('/api/v1/audit');
    assert.equal(r.status, 403, `${role}: ${r.text}`);
    assert.equal(errorCode(r), 'forbidden');
  }
  const anon = await new Client(srv.url).get('/api/v1/audit');
  assert.equal(anon.status, 401);
  assert.equal(errorCode(anon), 'unauthenticated');
});

test('`liaison audit verify` passes on an intact log', () => {
  const r = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 0, `verify on an intact log: ${r.status}\n${r.stdout}\n${r.stderr}`);
});

// Straight at the database, past Liaison: the sqlite3 tool, or psql on PostgreSQL.
function sqlite(sql) {
  const r = isPg()
    ? spawnSync('psql', ['-X', '-q', '-At', '-d', srv.db, '-c', sql], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', srv.db, sql], { encoding: 'utf8' });
  return { status: r.status, out: (r.stdout || '').trim(), err: (r.stderr || '').trim() };
}
// The audit table: the one with action and hash columns. Triggers that guard
// it (append-only) are dropped first: a real attacker with the file can too.
function auditTable() {
  if (isPg()) return 'audit_log';
  const tables = sqlite("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").out.split('\n').filter(Boolean);
  for (const t of tables) {
    const cols = sqlite(`SELECT name FROM pragma_table_info('${t.replace(/'/g, "''")}')`).out.split('\n');
    if (cols.includes('action') && cols.includes('hash') && cols.includes('id')) return t;
  }
  return null;
}
function tamper(table, sql) {
  let r = sqlite(sql);
  if (r.status !== 0) {
    const triggers = sqlite(`SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='${table}'`).out.split('\n').filter(Boolean);
    for (const t of triggers) sqlite(`DROP TRIGGER "${t}"`);
    r = sqlite(sql);
  }
  assert.equal(r.status, 0, `sqlite3: ${sql}: ${r.err}`);
}

test('verify detects an altered row and names it, then a removed row', async (t) => {
  const which = spawnSync(isPg() ? 'psql' : 'sqlite3', ['--version']);
  if (which.error) { t.skip('the sqlite3 command-line tool is not installed'); return; }
  const table = auditTable();
  assert.ok(table, 'found the audit table in the SQLite file');

  const mine = partnerEntries(await allEntries()).sort((a, b) => a.id - b.id);
  const victim = mine.find((e) => /updat|patch|edit|chang/i.test(e.action)) || mine[1];
  const original = sqlite(`SELECT action FROM "${table}" WHERE id=${victim.id}`).out;
  assert.equal(original, victim.action, 'the API id is the row id');

  tamper(table, `UPDATE "${table}" SET action='partner.read' WHERE id=${victim.id}`);
  let r = cli(['audit', 'verify', '--db', srv.db]);
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 1, `verify after altering row ${victim.id}: ${r.status}\n${out}`);
  assert.match(out, new RegExp(`(^|\\D)${victim.id}(\\D|$)`), `the output names row ${victim.id}: ${out}`);

  tamper(table, `UPDATE "${table}" SET action='${original.replace(/'/g, "''")}' WHERE id=${victim.id}`);
  r = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 0, `verify after restoring the row: ${r.stdout}\n${r.stderr}`);

  const ids = sqlite(`SELECT id FROM "${table}" ORDER BY id`).out.split('\n').map(Number);
  assert.ok(ids.length >= 3, 'enough rows to remove a middle one');
  const middle = ids[Math.floor(ids.length / 2)];
  tamper(table, `DELETE FROM "${table}" WHERE id=${middle}`);
  r = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(r.status, 1, `verify after removing row ${middle}: ${r.status}\n${r.stdout}\n${r.stderr}`);
});
