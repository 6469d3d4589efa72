// Strict request bodies: unknown fields, wrong types, rule violations answer
// 422 validation_failed naming the field (dots and indexes for nested ones),
// and a refused request stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, c;
before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'coordinator');
});
after(async () => { await srv?.stop(); });

async function countPartners() {
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

async function refused(body, field, what = JSON.stringify(body)) {
  const before = await countPartners();
  const r = await c.post('/api/v1/partners', body);
  assert.equal(r.status, 422, `${what}: expected 422, got ${r.status} ${r.text}`);
  assert.equal(r.json.error.code, 'validation_failed', what);
  assert.equal(r.json.error.field, field, `${what}: field`);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
  assert.equal(await countPartners(), before, `${what}: nothing stored`);
}

const N = 'Valid Name';

test('an unknown field is refused, named', async () => {
  await refused({ name: N, colour: 'red' }, 'colour');
  await refused({ name: N, id: 5 }, 'id', 'id is not writable');
  await refused({ name: N, archived: true }, 'archived', 'archived is not writable (DELETE archives)');
  await refused({ name: N, created_at: '2026-01-01T00:00:00Z' }, 'created_at');
  await refused({ name: N, address: { city: 'Springfield', zip: '62701' } }, 'address.zip');
  await refused({ name: N, identifiers: [{ scheme: 'npi', value: '1234567893', checked: true }] }, 'identifiers[0].checked');
});

test('wrong types are refused, named', async () => {
  await refused({ name: 5 }, 'name');
  await refused({ name: null }, 'name');
  await refused({ name: N, in_network: 'yes' }, 'in_network');
  await refused({ name: N, in_network: 1 }, 'in_network');
  await refused({ name: N, identifiers: {} }, 'identifiers');
  await refused({ name: N, identifiers: ['1234567893'] }, 'identifiers[0]');
  await refused({ name: N, address: { city: 1 } }, 'address.city');
  await refused({ name: N, address: 'Springfield' }, 'address');
  await refused({ name: N, languages: 'en' }, 'languages');
  await refused({ name: N, payers: ['Aetna', 7] }, 'payers[1]');
  await refused({ name: N, checkin_days: '30' }, 'checkin_days');
  await refused({ name: N, checkin_days: 30.5 }, 'checkin_days');
  await refused({ name: N, owner_id: '1' }, 'owner_id');
  await refused({ name: N, notes: ['a'] }, 'notes');
});

test('a body that is JSON but not an object is refused', async () => {
  const before = await countPartners();
  for (const body of [[], [{ name: N }], 'name', 42, null]) {
    const r = await c.post('/api/v1/partners', body);
    assert.ok(r.status === 422 || r.status === 400, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
    assert.ok(['validation_failed', 'malformed_json'].includes(r.json.error.code));
  }
  assert.equal(await countPartners(), before);
});

test('name is required, 1–200 characters (characters, not bytes)', async () => {
  await refused({}, 'name');
  await refused({ kind: 'clinic' }, 'name');
  await refused({ name: '' }, 'name');
  await refused({ name: 'x'.repeat(201) }, 'name');
  await refused({ name: 'ح'.repeat(201) }, 'name', '201 Arabic characters');
  const r = await c.post('/api/v1/partners', { name: 'ح'.repeat(200) });
  assert.equal(r.status, 201, `200 Arabic characters (400 bytes) are fine: ${r.text}`);
  assert.equal(r.json.name, 'ح'.repeat(200));
});

test('NPI check digit is verified; a valid NPI is accepted', async () => {
  await refused({ name: N, identifiers: [{ scheme: 'npi', value: '1234567890' }] }, 'identifiers[0].value');
  await refused({ name: N, identifiers: [{ scheme: 'license', value: 'L-1' }, { scheme: 'npi', value: '1234567890' }] }, 'identifiers[1].value');
  await refused({ name: N, identifiers: [{ scheme: 'npi', value: '123456789' }] }, 'identifiers[0].value', 'nine digits');
  await refused({ name: N, identifiers: [{ scheme: 'npi', value: '12345678931' }] }, 'identifiers[0].value', 'eleven digits');
  await refused({ name: N, identifiers: [{ scheme: 'npi', value: '123456789X' }] }, 'identifiers[0].value');
  await refused({ name: N, identifiers: [{ scheme: 'dea', value: 'AB1234563' }] }, 'identifiers[0].scheme');
  await refused({ name: N, identifiers: [{ scheme: 'other', value: '' }] }, 'identifiers[0].value');
  await refused({ name: N, identifiers: [{ value: '1234567893' }] }, 'identifiers[0].scheme');
  await refused({ name: N, identifiers: [{ scheme: 'license', value: 'L-1', expires_on: '31/12/2027' }] }, 'identifiers[0].expires_on');
  await refused({ name: N, identifiers: [{ scheme: 'license', value: 'L-1', expires_on: '2027-02-30' }] }, 'identifiers[0].expires_on', 'February 30th');
  await refused({ name: N, identifiers: Array.from({ length: 21 }, (_, i) => ({ scheme: 'other', value: `id-${i}` })) }, 'identifiers');
  for (const npi of ['1234567893', '1245319599']) {
    const r = await c.post('/api/v1/partners', { name: `NPI ${npi}`, identifiers: [{ scheme: 'npi', value: npi }] });
    assert.equal(r.status, 201, `${npi}: ${r.text}`);
    assert.deepEqual(r.json.identifiers, [{ scheme: 'npi', value: npi, issuer: null, expires_on: null }]);
  }
});

test('field rules: email, taxonomy_code, stage, kind, owner_id, checkin_days, phone, country, languages', async () => {
  for (const email of ['not-an-email', 'a@b', 'two@@example.com', 'a b@example.com', 'a@exa mple.com', `${'x'.repeat(250)}@example.com`]) {
    await refused({ name: N, email }, 'email', `email ${email}`);
  }
  for (const taxonomy_code of ['207RC0000', '207rc0000x', '207RC0000Y', '207RC0000XX', 'ABCDEFGHIJ']) {
    await refused({ name: N, taxonomy_code }, 'taxonomy_code', `taxonomy ${taxonomy_code}`);
  }
  await refused({ name: N, stage: 'friend' }, 'stage');
  await refused({ name: N, stage: 'Active' }, 'stage', 'stage is case-sensitive');
  await refused({ name: N, kind: 'spa' }, 'kind');
  await refused({ name: N, owner_id: 987654 }, 'owner_id', 'owner_id of a user that does not exist');
  await refused({ name: N, owner_id: 0 }, 'owner_id');
  await refused({ name: N, checkin_days: 0 }, 'checkin_days');
  await refused({ name: N, checkin_days: 366 }, 'checkin_days');
  await refused({ name: N, checkin_days: -1 }, 'checkin_days');
  await refused({ name: N, phone: 'call me' }, 'phone');
  await refused({ name: N, phone: '1'.repeat(41) }, 'phone');
  await refused({ name: N, address: { country: 'usa' } }, 'address.country');
  await refused({ name: N, address: { postal_code: '1'.repeat(21) } }, 'address.postal_code');
  await refused({ name: N, languages: ['english!'] }, 'languages[0]');
  await refused({ name: N, payers: [''] }, 'payers[0]');
  await refused({ name: N, notes: 'n'.repeat(10001) }, 'notes');

  const ok = await c.post('/api/v1/partners', {
    name: 'Boundaries OK', email: 'office@clinic.example', taxonomy_code: '207RC0000X', checkin_days: 365,
    phone: '+1 (555) 010-0100', address: { country: 'SA' }, languages: ['pt-BR'], notes: 'n'.repeat(10000),
  });
  assert.equal(ok.status, 201, ok.text);
  const one = await c.post('/api/v1/partners', { name: 'One Day Cadence', checkin_days: 1 });
  assert.equal(one.status, 201, one.text);
});

test('an invalid PATCH is refused, named, and leaves the record unchanged', async () => {
  const p = (await c.post('/api/v1/partners', { name: 'Patch Target', email: 'a@b.example', stage: 'contacted' })).json;
  const cases = [
    [{ colour: 'red' }, 'colour'],
    [{ name: null }, 'name'],
    [{ name: '' }, 'name'],
    [{ stage: 'friend', notes: 'should not be stored' }, 'stage'],
    [{ email: 'bad', notes: 'should not be stored' }, 'email'],
    [{ identifiers: [{ scheme: 'npi', value: '1234567890' }] }, 'identifiers[0].value'],
    [{ address: { city: 1 } }, 'address.city'],
    [{ owner_id: 987654 }, 'owner_id'],
    [{ checkin_days: 0 }, 'checkin_days'],
    [{ in_network: 'yes' }, 'in_network'],
  ];
  for (const [body, field] of cases) {
    const r = await c.patch(`/api/v1/partners/${p.id}`, body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    const g = await c.get(`/api/v1/partners/${p.id}`);
    assert.deepEqual(g.json, p, `${JSON.stringify(body)} left the record unchanged`);
  }
});
