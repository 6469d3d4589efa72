// A referral list page is served again from the worker's memory only while
// nothing it shows has changed (src/api/list_cache.c): every change to a
// referral, a patient's name or a partner's name — through the API or
// straight in the database, by any process — and the clock passing a due
// time it shows all give a fresh page. Each read is audited either way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, signedIn, isPostgres } from '../lib/server.mjs';

let srv, coord, clin, admin, partner;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sql(q) {
  const r = isPostgres(srv.db)
    ? spawnSync('psql', ['-X', '-q', '-At', '-d', srv.db, '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${q}: ${r.stderr}`);
  return r.stdout.trim();
}

before(async () => {
  srv = await startServer();
  [coord, clin, admin] = await Promise.all(['coordinator', 'clinician', 'admin'].map((r) => signedIn(srv.url, r)));
  partner = (await coord.post('/api/v1/partners', { name: 'Cache Partner Clinic' })).json;
});
after(async () => { await srv?.stop(); });

const list = async (c = coord, q = '') => {
  // Several times: every worker thread gets to answer (and keep) the page.
  let last;
  for (let i = 0; i < 6; i++) {
    const r = await c.get(`/api/v1/referrals?partner_id=${partner.id}${q}`);
    assert.equal(r.status, 200, r.text);
    if (last) assert.equal(r.text, last, 'the same page from every thread');
    last = r.text;
  }
  return JSON.parse(last).items;
};

test('a change through the API shows at once', async () => {
  const r = await coord.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: 'routine', reason: 'Cache',
    patient: { mrn: `CACHE-${process.pid}-1`, given: 'Salma', family: 'Cache' } });
  assert.equal(r.status, 201, r.text);
  let items = await list();
  assert.equal(items.length, 1);
  assert.equal(items[0].status, 'sent');
  const t = await clin.post(`/api/v1/referrals/${r.json.id}/transitions`, { to: 'accepted' });
  assert.equal(t.status, 200, t.text);
  items = await list();
  assert.equal(items[0].status, 'accepted');
  const p = await coord.patch(`/api/v1/partners/${partner.id}`, { name: 'Cache Partner Clinic (renamed)' });
  assert.equal(p.status, 200, p.text);
  items = await list();
  assert.equal(items[0].partner_name, 'Cache Partner Clinic (renamed)');
  // A second referral appears on the page.
  const r2 = await coord.post('/api/v1/referrals', { direction: 'outbound', partner_id: partner.id, urgency: 'routine', reason: 'Cache 2',
    patient: { mrn: `CACHE-${process.pid}-2`, given: 'Omar', family: 'Cache' } });
  assert.equal(r2.status, 201, r2.text);
  assert.equal((await list()).length, 2);
});

test('a change made in the database by someone else (another process) shows at once', async () => {
  let items = await list();
  const id = items[0].patient.id;
  sql(`UPDATE patients SET given = 'Renamed' WHERE id = ${id}`);
  items = await list();
  assert.equal(items[0].patient.given, 'Renamed');
  sql(`UPDATE referrals SET urgency = 'urgent' WHERE id = ${items[0].id}`);
  items = await list();
  assert.equal(items[0].urgency, 'urgent');
});

test('pages differ by who asks: without referrals.read no patient names', async () => {
  const liaison = await signedIn(srv.url, 'liaison');
  const a = await list(coord);
  const b = await list(liaison);
  assert.ok(a[0].patient && a[0].patient.given);
  assert.equal(b[0].patient, null);
  assert.ok((await list(coord))[0].patient.given, 'and back');
});

test('a due time passing turns the overdue flag without any change to the data', async () => {
  // Emergent: acknowledge within 1 hour of sending; sent 1 hour minus 3 s ago.
  const r = await coord.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: 'emergent', reason: 'Clock',
    sent_at: iso(Date.now() - 3600e3 + 3000), patient: { mrn: `CACHE-${process.pid}-3`, given: 'Clock', family: 'Cache' } });
  assert.equal(r.status, 201, r.text);
  const find = (items) => items.find((i) => i.id === r.json.id);
  let item = find(await list());
  assert.equal(item.due.step, 'acknowledge');
  assert.equal(item.due.overdue, false, JSON.stringify(item));
  await sleep(Math.max(0, Date.parse(item.due.at) - Date.now()) + 1500);
  item = find(await list());
  assert.equal(item.due.overdue, true, JSON.stringify(item));
});

test('every read is still audited, served from memory or not', async () => {
  const before = Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND record_type = '/api/v1/referrals'"));
  await list();
  const after = Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND record_type = '/api/v1/referrals'"));
  assert.equal(after - before, 6);
  const v = await admin.get('/api/v1/audit?limit=1');
  assert.equal(v.status, 200, v.text);
});
