// The ICD-10-CM table (issue 12 point 2): GET /api/v1/codes/icd10 looks codes
// up by the start of a code (dot optional) or by words of the description,
// for the referral form's type-ahead. Any signed-in user may; nobody else.
// Pages by cursor; bad parameters are a 422 naming them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, signedIn } from '../lib/server.mjs';

let srv, coord, clin;
before(async () => {
  srv = await startServer();
  [coord, clin] = await Promise.all(['coordinator', 'clinician'].map((r) => signedIn(srv.url, r)));
});
after(async () => { await srv?.stop(); });

const look = (c, qs) => c.get(`/api/v1/codes/icd10${qs}`);

test('a code, with or without its dot, comes first with its description', async () => {
  for (const q of ['E11.9', 'e119']) {
    const r = await look(coord, `?q=${q}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items[0], { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' });
  }
  const i20 = await look(clin, '?q=I20');
  assert.deepEqual(i20.json.items.map((x) => x.code),
    ['I20', 'I20.0', 'I20.1', 'I20.2', 'I20.8', 'I20.81', 'I20.89', 'I20.9']);
  assert.equal(i20.json.next_cursor, null);
  assert.equal((await look(coord, '?q=I20.99')).json.items.length, 0);
});

test('words of the description, in any case, each the start of a word', async () => {
  const r = await look(coord, `?q=${encodeURIComponent('Type 2 DIABETES ketoacid')}&limit=50`);
  assert.equal(r.status, 200);
  assert.ok(r.json.items.length > 0);
  for (const x of r.json.items) assert.match(x.description, /Type 2 diabetes mellitus with ketoacidosis/);
  const mixed = await look(coord, `?q=${encodeURIComponent('I10 essential')}`);
  assert.deepEqual(mixed.json.items.map((x) => x.code), ['I10']);
  const accents = await look(coord, `?q=${encodeURIComponent('sézary')}`);
  assert.ok(accents.json.items.some((x) => x.code === 'C84.1' && x.description === 'Sézary disease'));
  assert.deepEqual((await look(coord, `?q=${encodeURIComponent('سكري')}`)).json.items, []);
});

test('pages follow next_cursor without repeats; the whole table without q', async () => {
  const seen = new Set();
  let cursor = '';
  for (let i = 0; i < 3; i++) {
    const r = await look(coord, `?q=fracture&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.json.items.length, 7);
    for (const x of r.json.items) { assert.ok(!seen.has(x.code), x.code); seen.add(x.code); }
    cursor = r.json.next_cursor;
    assert.match(cursor, /^\d+$/);
  }
  const all = await look(coord, '?limit=3');
  assert.deepEqual(all.json.items.map((x) => x.code), ['A00', 'A00.0', 'A00.1']);
  assert.equal(all.json.next_cursor, '3');
  const tail = await look(coord, '?cursor=46236&limit=5');
  assert.deepEqual(tail.json.items.map((x) => x.code), ['Z99.81', 'Z99.89']);
  assert.equal(tail.json.next_cursor, null);
});

test('bad parameters are a 422 naming them; signed-out is a 401', async () => {
  for (const [qs, field] of [['?limit=0', 'limit'], ['?limit=501', 'limit'], ['?cursor=x', 'cursor'],
    [`?q=${'a'.repeat(201)}`, 'q'], ['?code=E11', 'code']]) {
    const r = await look(coord, qs);
    assert.equal(r.status, 422, `${qs}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  const anon = await new Client(srv.url).get('/api/v1/codes/icd10?q=E11');
  assert.equal(anon.status, 401);
});
