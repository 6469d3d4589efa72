// `liaison import partners|referrals FILE`: CSV files imported through the CLI
// while the server runs, then read back through the HTTP API — on SQLite and,
// in the PostgreSQL pass, on PostgreSQL. Covers the all-or-nothing rule (a bad
// row stores nothing and names its line and column), --skip-bad, RFC 4180
// quoting (commas, quotes and newlines in fields, CRLF), a UTF-8 BOM, Arabic
// text, header errors, the single audit entry and `audit verify` after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { startServer, signedIn, cli, isPostgres, psql, BIN } from '../lib/server.mjs';

let srv, admin, n = 0;

before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
});
after(async () => { await srv?.stop(); });

function csvFile(text) {
  const f = join(srv.dir, `import-${++n}.csv`);
  writeFileSync(f, text);
  return f;
}
const importCsv = (kind, text, ...extra) => cli(['import', kind, csvFile(text), '--db', srv.db, ...extra]);

async function partnersNamed(q) {
  const r = await admin.get(`/api/v1/partners?limit=500&q=${encodeURIComponent(q)}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}
async function referralCount() {
  let count = 0, cursor = null;
  do {
    const r = await admin.get(`/api/v1/referrals?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    count += r.json.items.length;
    cursor = r.json.next_cursor;
  } while (cursor);
  return count;
}
async function importEntries() {
  const r = await admin.get('/api/v1/audit?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((e) => e.action === 'import');
}

test('partners: quoted fields, CRLF, a BOM and Arabic names arrive intact', async () => {
  const text = '\uFEFFname,kind,specialty,npi,city,country,languages,payers,in_network,stage,notes\r\n' +
    '"Haddad, Layla",physician,Cardiology,1234567893,Riyadh,SA,ar;en,Bupa;Tawuniya,yes,active,"Prefers fax.\r\nSays ""call first"", always"\r\n' +
    'د. أحمد الغامدي,hospital,طب الأطفال,,الرياض,SA,ar,,false,prospect,\r\n';
  const r = importCsv('partners', text);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^partners: created 2, updated 0, unchanged 0, skipped 0$/m);
  const [layla] = await partnersNamed('Haddad');
  assert.equal(layla.name, 'Haddad, Layla');
  assert.deepEqual(layla.identifiers, [{ scheme: 'npi', value: '1234567893', issuer: null, expires_on: null }]);
  assert.deepEqual(layla.languages, ['ar', 'en']);
  assert.deepEqual(layla.payers, ['Bupa', 'Tawuniya']);
  assert.equal(layla.in_network, true);
  assert.equal(layla.stage, 'active');
  assert.equal(layla.address.city, 'Riyadh');
  assert.equal(layla.notes, 'Prefers fax.\r\nSays "call first", always');
  const [ahmad] = await partnersNamed('احمد');
  assert.equal(ahmad.name, 'د. أحمد الغامدي');
  assert.equal(ahmad.specialty, 'طب الأطفال');
  assert.equal(ahmad.address.city, 'الرياض');
  assert.equal(ahmad.kind, 'hospital');
});

test('referrals: imported rows look like API-created ones (patient, events, status, month)', async () => {
  const [layla] = await partnersNamed('Haddad');
  const text = 'patient_family,patient_given,direction,partner_npi,patient_mrn,patient_birth_date,patient_sex,urgency,reason,diagnoses,status,created_at,history,question\n' +
    'الغامدي,نورة,inbound,1234567893,IMP-001,1980-02-29,female,urgent,"Chest pain, exertional",I20.9; e119,,2025-03-14,"Line one\nline two",Angiography?\n' +
    'الغامدي,نورة,outbound,1234567893,IMP-001,,,routine,Knee pain,M25.561,completed,2025-04-01T09:30:00Z,,\n';
  // The list is read (and kept by the server's workers) before the import:
  // the import must make the next read show the new rows.
  for (let i = 0; i < 6; i++) assert.equal((await admin.get(`/api/v1/referrals?partner_id=${layla.id}`)).json.items.length, 0);
  const r = importCsv('referrals', text);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 2 referrals, skipped 0/);
  const list = await admin.get(`/api/v1/referrals?partner_id=${layla.id}`);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.items.length, 2);
  const [completed, sent] = list.json.items; // newest id first
  assert.equal(sent.status, 'sent');
  assert.equal(sent.direction, 'inbound');
  assert.equal(sent.partner_name, 'Haddad, Layla');
  assert.equal(sent.created_at, '2025-03-14T00:00:00Z');
  assert.equal(completed.status, 'completed');
  assert.equal(sent.patient.id, completed.patient.id, 'one patient, matched by MRN');
  const one = await admin.get(`/api/v1/referrals/${sent.id}`);
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.patient.given, 'نورة');
  assert.equal(one.json.patient.family, 'الغامدي');
  assert.equal(one.json.patient.birth_date, '1980-02-29');
  assert.deepEqual(one.json.diagnoses, ['I20.9', 'E11.9']);
  assert.equal(one.json.reason, 'Chest pain, exertional');
  assert.equal(one.json.packet.history, 'Line one\nline two');
  assert.equal(one.json.urgency, 'urgent');
  assert.equal(one.json.events.length, 1);
  assert.equal(one.json.events[0].to, 'sent');
  assert.equal(one.json.events[0].from, null);
  assert.ok(one.json.completeness.score > 0);
  assert.ok(one.json.due, 'an inbound referral waits for our acknowledgement');
  assert.equal(one.json.due.step, 'acknowledge');
  const done = await admin.get(`/api/v1/referrals/${completed.id}`);
  assert.equal(done.json.events[0].to, 'completed');
  assert.equal(done.json.specialty, 'Cardiology', 'an outbound referral takes its partner\'s specialty');
  // The API still creates referrals after the import (ids and sequences move on).
  const created = await admin.post('/api/v1/referrals', {
    direction: 'inbound', partner_id: layla.id, patient: { mrn: 'IMP-001', given: 'x', family: 'y' },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.patient.id, sent.patient.id);
  assert.ok(created.json.id > completed.id);
});

test('a bad row stops the import: exit 1, line and column named, nothing stored', async () => {
  const before = await referralCount();
  const [layla] = await partnersNamed('Haddad');
  const text = 'direction,partner_id,patient_given,patient_family,diagnoses,patient_birth_date\n' +
    `inbound,${layla.id},A,One,I10,\n` +
    `inbound,${layla.id},B,"Two\nlines",I10,\n` +
    `inbound,${layla.id},C,Three,I10,1990-02-30\n`;
  const r = importCsv('referrals', text);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^import: line 5, column patient_birth_date: must be a date \(YYYY-MM-DD\)\n$/);
  assert.equal(r.stdout, '');
  assert.equal(await referralCount(), before);
  // The same date-of-birth rule as the API: not in the future, not before 1900.
  for (const [born, why] of [['2099-05-01', 'must not be in the future'], ['1888-05-01', 'must be a date (YYYY-MM-DD)']]) {
    const f = importCsv('referrals', 'direction,partner_id,patient_given,patient_family,diagnoses,patient_birth_date\n' +
      `inbound,${layla.id},A,One,I10,1980-01-01\ninbound,${layla.id},D,Four,I10,${born}\n`);
    assert.equal(f.status, 1);
    assert.equal(f.stderr, `import: line 3, column patient_birth_date: ${why}\n`);
    assert.equal(await referralCount(), before);
  }
  // Each rule of the API applies: an NPI check digit, an enum, an ICD-10 code.
  const npi = importCsv('partners', 'name,npi\nDr Bad,1234567890\n');
  assert.equal(npi.status, 1);
  assert.match(npi.stderr, /line 2, column npi: is not a valid NPI/);
  const kind = importCsv('partners', 'name,kind\nDr Bad,wizard\n');
  assert.match(kind.stderr, /line 2, column kind: must be one of: physician,/);
  const dx = importCsv('referrals', `direction,partner_id,patient_given,patient_family,diagnoses\ninbound,${layla.id},A,B,I10;NOPE\n`);
  assert.match(dx.stderr, /line 2, column diagnoses: "NOPE" must be an ICD-10-CM code/);
  const partner = importCsv('referrals', 'direction,partner_id,patient_given,patient_family\ninbound,999999,A,B\n');
  assert.match(partner.stderr, /line 2, column partner_id: names no active partner/);
  assert.equal(await referralCount(), before);
  assert.equal((await partnersNamed('Dr Bad')).length, 0);
});

test('--skip-bad reports each bad row and stores the rest', async () => {
  const before = await referralCount();
  const [layla] = await partnersNamed('Haddad');
  const text = 'direction,partner_id,patient_given,patient_family,urgency\n' +
    `inbound,${layla.id},Good,One,routine\n` +
    `sideways,${layla.id},Bad,Direction,routine\n` +
    `outbound,${layla.id},Good,Two,\n` +
    `inbound,${layla.id},Bad,Urgency,whenever\n`;
  const r = importCsv('referrals', text, '--skip-bad');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 2 referrals, skipped 2/);
  assert.match(r.stderr, /line 3, column direction: must be one of: outbound, inbound \(skipped\)/);
  assert.match(r.stderr, /line 5, column urgency: must be one of: routine, urgent, emergent \(skipped\)/);
  assert.equal(await referralCount(), before + 2);
});

test('header errors: an unknown column, a missing required one, an empty file', async () => {
  const unknown = importCsv('partners', 'name,colour\nDr X,red\n');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^import: line 1, column colour: is not a known column/);
  const missing = importCsv('referrals', 'direction,partner_id,patient_family\ninbound,1,X\n');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /line 1, column patient_given: is a required column/);
  const empty = importCsv('partners', '');
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /the file is empty/);
  const quote = importCsv('partners', 'name\n"unclosed\n');
  assert.equal(quote.status, 1);
  assert.match(quote.stderr, /a quoted field is not closed/);
  assert.equal((await partnersNamed('Dr X')).length, 0);
});

test('usage: nppes and fhir are not supported yet; a missing FILE is bad usage', () => {
  for (const kind of ['nppes', 'fhir']) {
    const r = cli(['import', kind, 'x.csv', '--db', srv.db]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not yet supported/);
  }
  assert.equal(cli(['import', 'partners', '--db', srv.db]).status, 2);
  assert.equal(cli(['import', 'teapots', 'x.csv', '--db', srv.db]).status, 2);
  const help = cli(['import', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /patient_mrn/);
  const nofile = cli(['import', 'partners', join(srv.dir, 'nope.csv'), '--db', srv.db]);
  assert.equal(nofile.status, 1);
  assert.match(nofile.stderr, /cannot open/);
});

test('one audit entry per run (kind, SHA-256, rows), and the chain still verifies', async () => {
  const entries = await importEntries();
  // partners, referrals, skip-bad: the three runs that committed.
  assert.equal(entries.length, 3);
  assert.ok(entries.every((e) => e.client === 'cli' && e.user_id === null));
  // The list leaves details out; read them from the database itself.
  const sql = "SELECT detail FROM audit_log WHERE action = 'import' ORDER BY id";
  const out = isPostgres(srv.db) ? psql(srv.db, sql)
    : spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout;
  const details = out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(details.map((d) => d.kind), ['partners', 'referrals', 'referrals']);
  const detail = details[2];
  assert.equal(detail.kind, 'referrals');
  assert.match(detail.sha256, /^[0-9a-f]{64}$/);
  assert.equal(detail.rows, 4);
  assert.equal(detail.imported, 2);
  const v = cli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});

// The monthly volume counts (migration 005) after the imports above, the
// failed ones included, and one more with an entered-in-error referral (not
// counted) and specialties, equal a GROUP BY over the referrals themselves.
test('volume counts equal a count of the referrals after the imports', async () => {
  const [layla] = await partnersNamed('Haddad');
  const r = importCsv('referrals', 'direction,partner_id,patient_given,patient_family,status,specialty,created_at\n' +
    `inbound,${layla.id},E,Rror,entered_in_error,Cardiology,2025-01-10\n` +
    `inbound,${layla.id},N,Euro,received,Neurology,2025-01-11\n` +
    `outbound,${layla.id},N,None,sent,,2024-12-31T23:59:59Z\n`);
  assert.equal(r.status, 0, r.stderr);
  const query = (sql) => (isPostgres(srv.db) ? psql(srv.db, sql)
    : spawnSync('sqlite3', [srv.db, sql], { encoding: 'utf8' }).stdout).trim();
  const checks = [
    ['referral_volume', 'partner_id', 'partner_id'],
    ['referral_volume_specialty', 'specialty', "COALESCE(specialty, '')"],
  ];
  for (const [table, key, expr] of checks) {
    const kept = query(`SELECT ${key}, month, direction, referrals FROM ${table} WHERE referrals <> 0 ` +
      `ORDER BY 1, 2, 3`);
    const counted = query(`SELECT ${expr}, month, direction, COUNT(*) FROM referrals ` +
      `WHERE status <> 'entered_in_error' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    assert.ok(counted.length > 0);
    assert.equal(kept, counted, table);
  }
  const v = await admin.get('/api/v1/analytics/volume');
  assert.equal(v.status, 200, v.text);
});

// A large file (about 50,000 rows or more by its size) takes the bulk path
// on SQLite: the referrals' indexes dropped and built again before the
// commit, and — when no other connection has the database open — a rollback
// journal instead of the WAL for the run. Afterwards the database must be as
// the migrations left it (the same indexes and triggers, WAL), intact, and
// hold exactly the rows; a bulk run that fails must change nothing. Files of
// 21,000 rows with a long history field are over the size.
function bigReferrals(partnerId, rows, { badAt } = {}) {
  const states = ['draft', 'sent', 'received', 'accepted', 'scheduled', 'seen', 'completed', 'declined',
    'cancelled', 'info_requested', 'entered_in_error'];
  const history = 'Symptoms for several weeks; seen twice in clinic; imaging pending; ' .repeat(6);
  const lines = ['direction,partner_id,patient_mrn,patient_given,patient_family,status,specialty,created_at,history'];
  for (let i = 0; i < rows; i++) {
    const month = String(1 + (i % 12)).padStart(2, '0');
    lines.push([i === badAt ? 'sideways' : (i % 3 ? 'inbound' : 'outbound'), partnerId, `BULK-${i % 7919}`,
      `Given${i % 7919}`, 'Bulk', states[i % states.length], i % 4 ? 'Cardiology' : '',
      `2025-${month}-${String(1 + (i % 28)).padStart(2, '0')}`, `"${history}${i}"`].join(','));
  }
  return lines.join('\n') + '\n';
}

const sqlite3 = (db, sql) => spawnSync('sqlite3', [db, sql], { encoding: 'utf8' }).stdout.trim();
const schemaOf = (db) => sqlite3(db, "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') " +
  'ORDER BY name');

test('a large import into a database nobody else has open: same schema, WAL, intact', async (t) => {
  if (isPostgres(srv.db)) return t.skip('the bulk path is SQLite\'s');
  const db = join(srv.dir, 'bulk-alone.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  const schema = schemaOf(db);
  assert.match(schema, /referrals_by_partner/);
  let r = cli(['import', 'partners', csvFile('name,stage\nBulk Partner,active\n'), '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  const partner = Number(sqlite3(db, "SELECT id FROM partners WHERE name = 'Bulk Partner'"));

  // A bad row near the end stops the run: nothing stored, nothing changed.
  const bad = csvFile(bigReferrals(partner, 21000, { badAt: 20990 }));
  r = cli(['import', 'referrals', bad, '--db', db]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /line 20992, column direction/);
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM referrals'), '0');
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM patients'), '0');
  assert.equal(schemaOf(db), schema);
  assert.equal(sqlite3(db, 'PRAGMA journal_mode'), 'wal');

  // On a terminal (script(1) gives it one) the progress line also says
  // what the run does after the rows: each index it builds, then the write.
  const text = bigReferrals(partner, 21000);
  const q = (a) => `'${a.replaceAll("'", "'\\''")}'`;
  r = spawnSync('script', ['-qec', `${q(BIN)} import referrals ${q(csvFile(text))} --db ${q(db)}`, '/dev/null'],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /imported 21000 referrals, skipped 0/);
  const shown = r.stdout.split('\r').map((l) => l.replace(/\x1b\[K/g, ''));
  assert.ok(shown.includes('import: 21000 rows read; building index 1 of 8 (referrals_awaiting_answer)'), r.stdout);
  assert.ok(shown.includes('import: 21000 rows read; building index 8 of 8 (referrals_due_by_partner)'), r.stdout);
  assert.ok(shown.includes('import: 21000 rows read; writing to disk'), r.stdout);
  // The audit entry holds the file's SHA-256, as any other tool computes it.
  const detail = JSON.parse(sqlite3(db, "SELECT detail FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1"));
  assert.equal(detail.sha256, createHash('sha256').update(text).digest('hex'));
  assert.equal(detail.rows, 21000);
  assert.equal(sqlite3(db, 'PRAGMA journal_mode'), 'wal');
  assert.equal(sqlite3(db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(schemaOf(db), schema);
  assert.equal(sqlite3(db, 'SELECT COUNT(*), COUNT(DISTINCT patient_id) FROM referrals'), '21000|7919');
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM patients'), '7919');
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM referral_events'), '21000');
  // The patients' search keys are made as the API makes them.
  assert.equal(sqlite3(db, "SELECT search_key FROM patients WHERE mrn = 'BULK-12'"), 'given12 bulk bulk-12');
  // The rebuilt indexes answer as a scan of the table does.
  assert.equal(sqlite3(db, `SELECT COUNT(*) FROM referrals INDEXED BY referrals_by_partner WHERE partner_id = ${partner}`),
    '21000');
  assert.equal(sqlite3(db, "SELECT COUNT(*) FROM referrals INDEXED BY referrals_by_status WHERE status = 'seen'"),
    sqlite3(db, "SELECT COUNT(*) FROM referrals NOT INDEXED WHERE status = 'seen'"));
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM referrals INDEXED BY referrals_by_due WHERE due_at IS NOT NULL'),
    sqlite3(db, 'SELECT COUNT(*) FROM referrals NOT INDEXED WHERE due_at IS NOT NULL'));
  const kept = sqlite3(db, 'SELECT partner_id, month, direction, referrals FROM referral_volume ORDER BY 1, 2, 3');
  const counted = sqlite3(db, "SELECT partner_id, month, direction, COUNT(*) FROM referrals WHERE status <> " +
    "'entered_in_error' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
  assert.equal(kept, counted);
  assert.equal(cli(['audit', 'verify', '--db', db]).status, 0);
});

test('a large import while the server has the database open keeps the WAL, and the server reads it', async () => {
  const [layla] = await partnersNamed('Haddad');
  const before = await referralCount();
  const r = importCsv('referrals', bigReferrals(layla.id, 21000));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /imported 21000 referrals, skipped 0/);
  // Lists leave out what was entered in error (every eleventh row here).
  const listed = 21000 - Math.ceil((21000 - 10) / 11);
  assert.equal(await referralCount(), before + listed);
  const page = await admin.get(`/api/v1/referrals?partner_id=${layla.id}&limit=5`);
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.items.length, 5);
  if (!isPostgres(srv.db)) {
    assert.equal(sqlite3(srv.db, 'PRAGMA journal_mode'), 'wal');
    assert.equal(sqlite3(srv.db, 'PRAGMA integrity_check'), 'ok');
  }
});

// A bulk run killed while it writes through its rollback journal leaves a
// hot journal: the next open rolls it back (nothing of the run stays) and
// puts the database back in WAL mode.
test('a large import killed halfway leaves the database as it was', async (t) => {
  if (isPostgres(srv.db)) return t.skip('the bulk path is SQLite\'s');
  const db = join(srv.dir, 'bulk-killed.db');
  assert.equal(cli(['init', '--db', db]).status, 0);
  let r = cli(['import', 'partners', csvFile('name,stage\nKilled Partner,active\n'), '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  const schema = schemaOf(db);
  const file = csvFile(bigReferrals(1, 60000));
  const child = spawn(BIN, ['import', 'referrals', file, '--db', db], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal || code)));
  // The journal appears with the run's first write (the dropped indexes).
  const t0 = Date.now();
  while (!existsSync(`${db}-journal`) && Date.now() - t0 < 20000) await new Promise((res) => setTimeout(res, 2));
  assert.ok(existsSync(`${db}-journal`), 'the run writes through a rollback journal');
  // A moment later it is storing rows (60,000 take more than half a second).
  await new Promise((res) => setTimeout(res, 150));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.equal(cli(['audit', 'verify', '--db', db]).status, 0); // opens it: the hot journal rolls back
  assert.equal(sqlite3(db, 'PRAGMA journal_mode'), 'wal');
  assert.equal(sqlite3(db, 'PRAGMA integrity_check'), 'ok');
  assert.equal(schemaOf(db), schema);
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM referrals'), '0');
  assert.equal(sqlite3(db, 'SELECT COUNT(*) FROM patients'), '0');
});
