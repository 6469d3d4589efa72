// Referral volume per month (GET /api/v1/analytics/volume; domain.md
// "volume"). The counts are kept by triggers in the same transaction as the
// writes, so the test moves referrals between months and out of the count
// straight in the database as well as through the API, and checks every
// answer against a GROUP BY over the referrals themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, signedIn, Client, isPostgres } from '../lib/server.mjs';

let srv, coord, liaison, clin;
let A, B;
const made = [];

function sql(q) {
  const r = isPostgres(srv.db)
    ? spawnSync('psql', ['-X', '-q', '-At', '-F', '|', '-d', srv.db, '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${q}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

const now = new Date();
const monthInt = (d) => d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
const monthText = (m) => `${Math.floor(m / 100)}-${String(m % 100).padStart(2, '0')}`;
const addMonths = (m, n) => { const i = Math.floor(m / 100) * 12 + (m % 100 - 1) + n; return Math.floor(i / 12) * 100 + (i % 12) + 1; };
const THIS = monthInt(now);

// The truth, from the referrals: {month: {inbound, outbound}}.
function truth(where) {
  const out = {};
  for (const [m, dir, n] of sql(`SELECT month, direction, COUNT(*) FROM referrals WHERE status <> 'entered_in_error'${where ? ` AND ${where}` : ''} GROUP BY month, direction`)) {
    const k = monthText(Number(m));
    out[k] ||= { inbound: 0, outbound: 0 };
    out[k][dir] = Number(n);
  }
  return out;
}

function assertMatches(body, expect) {
  let tin = 0, tout = 0;
  for (const m of body.months) {
    const e = expect[m.month] || { inbound: 0, outbound: 0 };
    assert.deepEqual({ inbound: m.inbound, outbound: m.outbound }, e, `month ${m.month}`);
    assert.equal(m.total, m.inbound + m.outbound);
    tin += m.inbound; tout += m.outbound;
  }
  assert.deepEqual(body.totals, { inbound: tin, outbound: tout, total: tin + tout });
}

async function referral(partner, direction, specialty) {
  const body = { direction, partner_id: partner.id, urgency: 'routine', reason: 'Volume test',
    patient: { mrn: `VOL-${process.pid}-${made.length}`, given: 'Vol', family: `Test${made.length}` } };
  if (specialty) body.specialty = specialty;
  const r = await coord.post('/api/v1/referrals', body);
  assert.equal(r.status, 201, r.text);
  made.push(r.json);
  return r.json;
}

before(async () => {
  srv = await startServer();
  [coord, liaison, clin] = await Promise.all(['coordinator', 'liaison', 'clinician'].map((r) => signedIn(srv.url, r)));
  A = (await coord.post('/api/v1/partners', { name: 'Volume Partner A', specialty: 'Cardiology' })).json;
  B = (await coord.post('/api/v1/partners', { name: 'Volume Partner B', specialty: 'Oncology' })).json;
  for (const d of ['inbound', 'inbound', 'inbound', 'outbound', 'outbound', 'outbound'])
    await referral(A, d, d === 'inbound' ? 'Cardiology' : null);
  await referral(B, 'outbound', 'Oncology');
  await referral(B, 'inbound', 'Oncology');
});

after(async () => { await srv?.stop(); });

test('a partner\'s chart: the last 24 months, oldest first, zero-filled, counting this month\'s referrals', async () => {
  const r = await liaison.get(`/api/v1/analytics/volume?partner_id=${A.id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.months.length, 24);
  assert.equal(r.json.to, monthText(THIS));
  assert.equal(r.json.from, monthText(addMonths(THIS, -23)));
  assert.equal(r.json.months[0].month, r.json.from);
  assert.equal(r.json.partner_id, A.id);
  const last = r.json.months.at(-1);
  assert.deepEqual(last, { month: monthText(THIS), inbound: 3, outbound: 3, total: 6 });
  assert.ok(r.json.months.slice(0, -1).every((m) => m.total === 0));
  assertMatches(r.json, truth(`partner_id = ${A.id}`));
});

test('moving a referral to another month, or out of the count, changes the figures in the same transaction', async () => {
  const old = addMonths(THIS, -14);
  sql(`UPDATE referrals SET month = ${old} WHERE id = ${made[0].id}`);
  sql(`UPDATE referrals SET month = ${addMonths(THIS, -30)} WHERE id = ${made[3].id}`); // outside the default window
  let r = await liaison.get(`/api/v1/analytics/volume?partner_id=${A.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.months.find((m) => m.month === monthText(old)), { month: monthText(old), inbound: 1, outbound: 0, total: 1 });
  assert.deepEqual(r.json.totals, { inbound: 3, outbound: 2, total: 5 });
  assertMatches(r.json, truth(`partner_id = ${A.id}`));
  // A wider window finds the older one.
  r = await liaison.get(`/api/v1/analytics/volume?partner_id=${A.id}&from=${monthText(addMonths(THIS, -35))}&to=${monthText(THIS)}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.months.length, 36);
  assert.equal(r.json.totals.total, 6);
  assertMatches(r.json, truth(`partner_id = ${A.id}`));
  // Entered in error (through the API): no longer counted.
  const draft = made[4];
  const t = await coord.post(`/api/v1/referrals/${draft.id}/transitions`, { to: 'entered_in_error', note: 'wrong patient' });
  assert.equal(t.status, 200, t.text);
  r = await liaison.get(`/api/v1/analytics/volume?partner_id=${A.id}`);
  assert.deepEqual(r.json.totals, { inbound: 3, outbound: 1, total: 4 });
  assertMatches(r.json, truth(`partner_id = ${A.id}`));
});

test('by specialty, everyone, and a partner and a specialty together', async () => {
  let r = await liaison.get('/api/v1/analytics/volume?specialty=Oncology');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.specialty, 'Oncology');
  assertMatches(r.json, truth("specialty = 'Oncology'"));
  assert.equal(r.json.totals.total, 2);
  r = await liaison.get('/api/v1/analytics/volume');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.partner_id, null);
  assertMatches(r.json, truth(''));
  r = await liaison.get(`/api/v1/analytics/volume?partner_id=${A.id}&specialty=Cardiology`);
  assert.equal(r.status, 200, r.text);
  assertMatches(r.json, truth(`partner_id = ${A.id} AND specialty = 'Cardiology'`));
  assert.equal(r.json.totals.inbound, 3);
});

test('bad parameters answer 422 naming the parameter; an unknown partner 404', async () => {
  for (const [q, field] of [['from=2026-13', 'from'], ['to=26-11', 'to'], ['from=2026-11&to=2026-10', 'from'],
    ['from=2010-01&to=2026-11', 'from'], ['partner_id=abc', 'partner_id'], ['partner_id=0', 'partner_id'], ['specialty=', 'specialty']]) {
    const r = await liaison.get(`/api/v1/analytics/volume?${q}`);
    assert.equal(r.status, 422, `${q}: ${r.text}`);
    assert.equal(r.json.error.field, field, q);
  }
  const r = await liaison.get('/api/v1/analytics/volume?partner_id=999999');
  assert.equal(r.status, 404, r.text);
});

test('signed-in staff only', async () => {
  const anon = new Client(srv.url);
  const r = await anon.get('/api/v1/analytics/volume');
  assert.equal(r.status, 401, r.text);
  const c = await clin.get('/api/v1/analytics/volume');
  assert.equal(c.status, 200, c.text);
});
