// Partners: create (defaults), read, partial update, archive, 404s, and
// Unicode text (Arabic, decomposed accents, emoji) stored byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, c, ownerId;
before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'manager');
  ownerId = (await (await signedIn(srv.url, 'manager')).get('/api/v1/me')).json.user.id;
});
after(async () => { await srv?.stop(); });

const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const FIELDS = ['id', 'kind', 'name', 'identifiers', 'specialty', 'taxonomy_code', 'organization', 'phone', 'email',
  'address', 'languages', 'payers', 'in_network', 'stage', 'owner_id', 'checkin_days', 'checkin_days_effective',
  'goals_theirs', 'goals_ours', 'notes', 'source', 'archived', 'created_at', 'updated_at', 'stage_since', 'services_theirs', 'services_ours',
  'wait_days', 'capacity_note'];
const MISSING = 999999999;

// n: which of two such partners (an identifier belongs to one partner, and
// one name in one city is a possible duplicate: tests/api/duplicates.test.mjs).
const full = (n = 0) => ({
  kind: 'physician',
  name: n ? `Dr. Layla Haddad ${n}` : 'Dr. Layla Haddad',
  identifiers: [{ scheme: 'npi', value: ['1234567893', '1245319599'][n], issuer: null, expires_on: null },
    { scheme: 'license', value: `IL-036-11223${3 + n}`, issuer: 'Illinois IDFPR', expires_on: '2027-07-31' }],
  specialty: 'Cardiology',
  taxonomy_code: '207RC0000X',
  organization: 'Haddad Heart Clinic',
  phone: '+1 (555) 010-0.1',
  email: 'office@haddad.example',
  address: { line: '1 Main St', city: 'Springfield', region: 'IL', postal_code: '62701', country: 'US' },
  languages: ['en', 'ar', 'pt-BR'],
  payers: ['Aetna', 'Medicare'],
  in_network: true,
  stage: 'active',
  owner_id: ownerId,
  checkin_days: 14,
  goals_theirs: 'Faster echo appointments',
  goals_ours: 'Two referrals a month',
  notes: 'Prefers calls before 10:00.',
});

function assertRecord(p) {
  assert.deepEqual(Object.keys(p).sort(), [...FIELDS].sort(), 'the record has exactly the documented fields');
  assert.ok(Number.isInteger(p.id) && p.id > 0);
  assert.match(p.created_at, RFC3339_UTC);
  assert.match(p.updated_at, RFC3339_UTC);
}

test('create with only a name: 201 and the full record with defaults', async () => {
  const r = await c.post('/api/v1/partners', { name: 'Minimal Partner' });
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json;\s*charset=utf-8$/i);
  const p = r.json;
  assertRecord(p);
  assert.equal(p.name, 'Minimal Partner');
  assert.equal(p.kind, 'physician');
  assert.equal(p.stage, 'prospect');
  assert.equal(p.in_network, false);
  assert.equal(p.checkin_days, null, 'no cadence of its own: the default of its stage');
  assert.equal(p.checkin_days_effective, 14, 'a prospect\'s default cadence');
  assert.equal(p.archived, false);
  assert.deepEqual(p.identifiers, []);
  assert.deepEqual(p.languages, []);
  assert.deepEqual(p.payers, []);
  for (const f of ['specialty', 'taxonomy_code', 'organization', 'phone', 'email', 'owner_id', 'goals_theirs', 'goals_ours', 'notes']) {
    assert.equal(p[f], null, f);
  }
  assert.ok(p.address === null || Object.values(p.address).every((v) => v === null), `address empty: ${JSON.stringify(p.address)}`);
  assert.ok(Math.abs(Date.parse(p.created_at) - Date.now()) < 5 * 60e3, 'created_at is now (UTC)');
  assert.equal(p.created_at, p.updated_at);
});

test('create with every field echoes every field; GET returns the same record', async () => {
  const input = full();
  const r = await c.post('/api/v1/partners', input);
  assert.equal(r.status, 201, r.text);
  assertRecord(r.json);
  for (const [k, v] of Object.entries(input)) assert.deepEqual(r.json[k], v, k);
  assert.equal(r.json.archived, false);
  const g = await c.get(`/api/v1/partners/${r.json.id}`);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, r.json);
});

test('PATCH changes only what it sends; null clears; arrays are replaced whole', async () => {
  const created = (await c.post('/api/v1/partners', full(1))).json;
  await new Promise((res) => setTimeout(res, 1100)); // so updated_at can move on
  let r = await c.patch(`/api/v1/partners/${created.id}`, { phone: '+1 555 0199' });
  assert.equal(r.status, 200, r.text);
  assertRecord(r.json);
  assert.deepEqual({ ...r.json, updated_at: null }, { ...created, phone: '+1 555 0199', updated_at: null });
  assert.ok(Date.parse(r.json.updated_at) > Date.parse(created.updated_at), 'updated_at moves on');
  assert.equal(r.json.created_at, created.created_at);

  r = await c.patch(`/api/v1/partners/${created.id}`, { specialty: null, owner_id: null, checkin_days: null, notes: null, taxonomy_code: null });
  assert.equal(r.status, 200, r.text);
  for (const f of ['specialty', 'owner_id', 'checkin_days', 'notes', 'taxonomy_code']) assert.equal(r.json[f], null, f);
  assert.equal(r.json.checkin_days_effective, 30, 'an active partner\'s default cadence');
  assert.equal(r.json.name, created.name);
  assert.deepEqual(r.json.identifiers, created.identifiers);

  const ids = [{ scheme: 'scfhs', value: '10-RM-0042817', issuer: 'SCFHS', expires_on: '2027-06-30' }];
  r = await c.patch(`/api/v1/partners/${created.id}`, { identifiers: ids, languages: ['ar'], payers: [] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.identifiers, ids, 'identifiers replaced whole');
  assert.deepEqual(r.json.languages, ['ar']);
  assert.deepEqual(r.json.payers, []);

  r = await c.patch(`/api/v1/partners/${created.id}`, { stage: 'meeting', in_network: false, kind: 'practice' });
  assert.equal(r.status, 200);
  assert.equal(r.json.stage, 'meeting');
  assert.equal(r.json.in_network, false);
  assert.equal(r.json.kind, 'practice');

  r = await c.patch(`/api/v1/partners/${created.id}`, {});
  assert.equal(r.status, 200, 'an empty patch changes nothing');
  assert.equal(r.json.stage, 'meeting');

  const g = await c.get(`/api/v1/partners/${created.id}`);
  assert.deepEqual(g.json, r.json, 'GET shows what PATCH answered');
});

test('DELETE archives: 204, still readable with archived true, gone from the list, listed with archived=true', async () => {
  const p = (await c.post('/api/v1/partners', { name: 'Archive Me Clinic', kind: 'clinic' })).json;
  const listed = await c.get('/api/v1/partners?q=Archive%20Me&limit=500');
  assert.ok(listed.json.items.some((x) => x.id === p.id));

  const d = await c.del(`/api/v1/partners/${p.id}`);
  assert.equal(d.status, 204, d.text);
  assert.equal(d.text, '');

  const g = await c.get(`/api/v1/partners/${p.id}`);
  assert.equal(g.status, 200);
  assert.equal(g.json.archived, true);
  assert.equal(g.json.name, 'Archive Me Clinic');

  const all = await c.get('/api/v1/partners?limit=500');
  assert.ok(!all.json.items.some((x) => x.id === p.id), 'archived partner left the list');
  const arch = await c.get('/api/v1/partners?archived=true&limit=500');
  assert.equal(arch.status, 200, arch.text);
  const found = arch.json.items.find((x) => x.id === p.id);
  assert.ok(found, 'archived=true lists it');
  assert.equal(found.archived, true);
  assert.ok(arch.json.items.every((x) => x.archived === true), 'archived=true lists only archived partners');
  assert.ok(all.json.items.every((x) => x.archived === false));
});

test('a missing partner is 404 not_found for GET, PATCH and DELETE', async () => {
  for (const [method, body] of [['GET'], ['PATCH', { notes: 'x' }], ['DELETE']]) {
    const r = await c.request(method, `/api/v1/partners/${MISSING}`, body);
    assert.equal(r.status, 404, `${method}: ${r.text}`);
    assert.equal(errorCode(r), 'not_found');
  }
  const zero = await c.get('/api/v1/partners/0');
  assert.equal(zero.status, 404);
  const huge = await c.get('/api/v1/partners/99999999999999999999999999');
  assert.equal(huge.status, 404, `an id too large for 64 bits: ${huge.status} ${huge.text}`);
});

test('Arabic and other Unicode text comes back byte for byte', async () => {
  const input = {
    name: 'د. أحمد الغامدي',
    specialty: 'طب القلب',
    organization: 'مستشفى الملك فهد التخصصي',
    address: { line: 'طريق الملك فهد، حي العليا', city: 'الرياض', region: 'منطقة الرياض', postal_code: '١٢٢٧١', country: 'SA' },
    payers: ['بوبا العربية', 'التعاونية'],
    goals_theirs: 'مواعيد أسرع لمرضى القلب — faster cardiology slots',
    goals_ours: 'إحالة المريض خلال ٤٨ ساعة',
    notes: 'يفضّل التواصل صباحاً 🩺 \u200fRLM\u200f, decomposed e\u0301 vs é, tatweel احـــمد, حَرَكات',
  };
  const r = await c.post('/api/v1/partners', input);
  assert.equal(r.status, 201, r.text);
  for (const [k, v] of Object.entries(input)) assert.deepEqual(r.json[k], v, k);
  const g = await c.get(`/api/v1/partners/${r.json.id}`);
  for (const [k, v] of Object.entries(input)) assert.deepEqual(g.json[k], v, k);
  // Not escaped as \uXXXX either: the answer carries the UTF-8 bytes themselves.
  const bytes = Buffer.from(g.text, 'utf8');
  for (const s of [input.name, input.address.city, 'يفضّل التواصل صباحاً 🩺']) {
    assert.ok(bytes.includes(Buffer.from(s, 'utf8')), `raw UTF-8 for ${s}`);
  }
  const p = await c.patch(`/api/v1/partners/${r.json.id}`, { name: 'إحمد' });
  assert.equal(p.json.name, 'إحمد');
});

test('services each side offers, capacity and wait time are kept and cleared', async () => {
  const r = await c.post('/api/v1/partners', {
    name: 'Services Clinic', services_theirs: 'Echo, stress tests', services_ours: 'تأهيل القلب', wait_days: 12,
    capacity_note: 'Two new patients a week',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.services_theirs, 'Echo, stress tests');
  assert.equal(r.json.services_ours, 'تأهيل القلب');
  assert.equal(r.json.wait_days, 12);
  assert.equal(r.json.capacity_note, 'Two new patients a week');
  const p = await c.patch(`/api/v1/partners/${r.json.id}`, { wait_days: null, services_ours: 'Cardiac rehab' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.wait_days, null);
  assert.equal(p.json.services_ours, 'Cardiac rehab');
  assert.equal(p.json.services_theirs, 'Echo, stress tests', 'unsent fields stay');
  for (const bad of [{ wait_days: -1 }, { wait_days: 366 }, { wait_days: '3' }, { capacity_note: 5 }]) {
    const v = await c.patch(`/api/v1/partners/${r.json.id}`, bad);
    assert.equal(v.status, 422, JSON.stringify(bad));
    assert.equal(v.json.error.field, Object.keys(bad)[0]);
  }
});
