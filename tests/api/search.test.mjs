// Partner search and filters: `q` over name, specialty and city, case- and
// accent-insensitive, Arabic-aware (hamza forms, diacritics, tatweel);
// filters stage, kind, specialty (exact, case-insensitive), owner_id, archived.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, c, managerId;
const P = {};

before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'liaison');
  managerId = (await (await signedIn(srv.url, 'manager')).get('/api/v1/me')).json.user.id;
  const partners = {
    jose: { name: 'Dr. José Álvarez', specialty: 'Cardiology', address: { city: 'Springfield' }, stage: 'active', kind: 'physician', owner_id: managerId },
    ahmad: { name: 'أحمد الغامدي', specialty: 'طب القلب', address: { city: 'الرياض' }, kind: 'clinic', stage: 'meeting' },
    ihmad: { name: 'إحمد', kind: 'clinic' },
    ahmad2: { name: 'احمد', stage: 'active' },
    imaging: { name: 'Northside Imaging', kind: 'imaging', specialty: 'Radiology', address: { city: 'São Paulo' }, owner_id: managerId, stage: 'active' },
    peds: { name: 'Pediatric Partners', kind: 'practice', specialty: 'Pediatric Cardiology', address: { city: 'Shelbyville' } },
    lab: { name: 'Maple Lab', kind: 'laboratory', address: { city: 'Springfield' } },
  };
  for (const [k, body] of Object.entries(partners)) {
    // Some share a folded name on purpose (confirm_duplicate).
    const r = await c.post('/api/v1/partners', { ...body, confirm_duplicate: true });
    assert.equal(r.status, 201, `${k}: ${r.text}`);
    P[k] = r.json;
  }
});
after(async () => { await srv?.stop(); });

async function ids(query) {
  const r = await c.get(`/api/v1/partners?limit=500&${query}`);
  assert.equal(r.status, 200, `${query}: ${r.status} ${r.text}`);
  return r.json.items.map((p) => p.id).sort((a, b) => a - b);
}
const of = (...keys) => keys.map((k) => P[k].id).sort((a, b) => a - b);
const q = (s) => `q=${encodeURIComponent(s)}`;

test('q matches the name, case-insensitively and ignoring Latin accents', async () => {
  for (const s of ['jose', 'José', 'JOSE', 'JOSÉ', 'alvarez', 'Álvarez', 'dr. jose alvarez', 'Jose\u0301']) {
    assert.deepEqual(await ids(q(s)), of('jose'), `q=${s}`);
  }
  assert.deepEqual(await ids(q('maple')), of('lab'));
  assert.deepEqual(await ids(q('northside imaging')), of('imaging'));
});

test('q matches the specialty and the city', async () => {
  assert.deepEqual(await ids(q('cardiology')), of('jose', 'peds'));
  assert.deepEqual(await ids(q('CARDIOLOGY')), of('jose', 'peds'));
  assert.deepEqual(await ids(q('radiology')), of('imaging'));
  assert.deepEqual(await ids(q('springfield')), of('jose', 'lab'));
  assert.deepEqual(await ids(q('SHELBYVILLE')), of('peds'));
  assert.deepEqual(await ids(q('sao paulo')), of('imaging'));
  assert.deepEqual(await ids(q('SÃO PAULO')), of('imaging'));
  assert.deepEqual(await ids(q('الرياض')), of('ahmad'));
  assert.deepEqual(await ids(q('طب القلب')), of('ahmad'));
});

test('q matches part of a word as a search box does', async () => {
  assert.deepEqual(await ids(q('cardio')), of('jose', 'peds'));
  assert.deepEqual(await ids(q('spring')), of('jose', 'lab'));
  assert.deepEqual(await ids(q('الغامد')), of('ahmad'));
});

test('Arabic: أحمد, إحمد and احمد find each other; diacritics and tatweel are ignored', async () => {
  const three = of('ahmad', 'ihmad', 'ahmad2');
  for (const s of ['أحمد', 'إحمد', 'احمد', 'آحمد', 'أَحْمَد', 'اَحْمَدْ', 'احـــمد']) {
    assert.deepEqual(await ids(q(s)), three, `q=${s}`);
  }
  assert.deepEqual(await ids(q('أحمد الغامدي')), of('ahmad'));
  assert.deepEqual(await ids(q('الغامدي')), of('ahmad'));
});

test('q with no match gives an empty list, not an error', async () => {
  const r = await c.get(`/api/v1/partners?${q('zzzz-no-such-partner')}`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { items: [], next_cursor: null });
  // Characters with a meaning in SQL LIKE or in regexes are plain text.
  for (const s of ['%', '_', "'", '\\', '.*', '"']) {
    const r2 = await c.get(`/api/v1/partners?${q(s)}`);
    assert.equal(r2.status, 200, `q=${s}: ${r2.text}`);
    assert.deepEqual(r2.json.items, [], `q=${s} matches nothing here`);
  }
});

test('filters: stage, kind, specialty, owner_id, and combined with q', async () => {
  assert.deepEqual(await ids('stage=active'), of('jose', 'ahmad2', 'imaging'));
  assert.deepEqual(await ids('stage=meeting'), of('ahmad'));
  assert.deepEqual(await ids('stage=prospect'), of('ihmad', 'peds', 'lab'));
  assert.deepEqual(await ids('kind=clinic'), of('ahmad', 'ihmad'));
  assert.deepEqual(await ids('kind=imaging'), of('imaging'));
  assert.deepEqual(await ids('specialty=cardiology'), of('jose'), 'exact, case-insensitive: not Pediatric Cardiology');
  assert.deepEqual(await ids('specialty=Pediatric%20Cardiology'), of('peds'));
  assert.deepEqual(await ids(`specialty=${encodeURIComponent('طب القلب')}`), of('ahmad'));
  assert.deepEqual(await ids(`owner_id=${managerId}`), of('jose', 'imaging'));
  assert.deepEqual(await ids(`${q('cardiology')}&stage=active`), of('jose'));
  assert.deepEqual(await ids(`kind=imaging&owner_id=${managerId}`), of('imaging'));
  assert.deepEqual(await ids(`${q('احمد')}&kind=clinic`), of('ahmad', 'ihmad'));
  assert.deepEqual(await ids('stage=lost'), []);
});

test('archived partners leave search results; archived=true finds them', async () => {
  const d = await c.del(`/api/v1/partners/${P.lab.id}`);
  assert.equal(d.status, 204);
  assert.deepEqual(await ids(q('springfield')), of('jose'));
  assert.deepEqual(await ids(`${q('springfield')}&archived=true`), of('lab'));
  assert.deepEqual(await ids('archived=false&kind=laboratory'), []);
});

test('invalid filter values answer 422 naming the parameter', async () => {
  for (const [query, field] of [['stage=friend', 'stage'], ['kind=spa', 'kind'], ['owner_id=abc', 'owner_id'], ['archived=maybe', 'archived']]) {
    const r = await c.get(`/api/v1/partners?${query}`);
    assert.equal(r.status, 422, `${query}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, field, query);
  }
});
