// Cursor pagination of /api/v1/partners: pages of `limit`, sorted by name,
// no duplicates and none missing (also across equal names), next_cursor null
// at the end; invalid limit/cursor answer 422 naming the parameter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, c;
const created = new Map(); // id -> name
const TOTAL = 120;

before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'admin');
  // Created in a shuffled order so that insertion order is not name order;
  // five partners share one name so a page boundary (50) falls among them
  // (confirm_duplicate: they are meant to).
  const names = Array.from({ length: TOTAL }, (_, i) => `Page Partner ${String(i >= 48 && i <= 52 ? 48 : i).padStart(3, '0')}`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = (i * 7919 + 13) % (i + 1);
    [names[i], names[j]] = [names[j], names[i]];
  }
  for (let i = 0; i < names.length; i += 10) {
    const batch = await Promise.all(names.slice(i, i + 10).map((name) => c.post('/api/v1/partners', { name, confirm_duplicate: true })));
    for (const r of batch) {
      assert.equal(r.status, 201, r.text);
      created.set(r.json.id, r.json.name);
    }
  }
  assert.equal(created.size, TOTAL);
});
after(async () => { await srv?.stop(); });

async function pages(query, limit) {
  const out = [];
  let cursor = null;
  for (let guard = 0; guard < 1000; guard++) {
    const r = await c.get(`/api/v1/partners?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next_cursor']);
    out.push(r.json.items);
    cursor = r.json.next_cursor;
    if (cursor === null) return out;
    assert.equal(typeof cursor, 'string');
    assert.ok(cursor.length > 0);
  }
  assert.fail('more than 1000 pages');
}

function checkAll(pageList) {
  const items = pageList.flat();
  const ids = items.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates across pages');
  assert.deepEqual([...ids].sort((a, b) => a - b), [...created.keys()].sort((a, b) => a - b), 'none missing, none extra');
  for (let i = 1; i < items.length; i++) {
    assert.ok(items[i - 1].name <= items[i].name, `sorted by name: ${items[i - 1].name} before ${items[i].name}`);
  }
  for (const p of items) assert.equal(p.name, created.get(p.id));
}

test('limit=50 gives pages of 50, 50, 20 and next_cursor null at the end', async () => {
  const ps = await pages('', 50);
  assert.deepEqual(ps.map((p) => p.length), [50, 50, 20]);
  checkAll(ps);
});

test('the same holds with a search filter and with other page sizes', async () => {
  const ps = await pages('&q=page%20partner', 50);
  assert.deepEqual(ps.map((p) => p.length), [50, 50, 20]);
  checkAll(ps);
  const small = await pages('', 7);
  assert.equal(small.length, Math.ceil(TOTAL / 7));
  checkAll(small);
  const one = await pages('', 1);
  assert.equal(one.length, TOTAL);
  checkAll(one);
  const big = await pages('', 500);
  assert.deepEqual(big.map((p) => p.length), [TOTAL]);
  checkAll(big);
  const exact = await pages('', 120);
  assert.equal(exact.flat().length, TOTAL);
  assert.ok(exact.length <= 2 && (exact.length === 1 || exact[1].length === 0), 'an exact fit ends at once (or with one empty page)');
});

test('the default page size is 50', async () => {
  const r = await c.get('/api/v1/partners');
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 50);
  assert.equal(typeof r.json.next_cursor, 'string');
});

test('invalid limit or cursor answers 422 naming it', async () => {
  for (const limit of ['0', '501', 'abc', '-1', '1.5', '50abc', '99999999999999999999']) {
    const r = await c.get(`/api/v1/partners?limit=${encodeURIComponent(limit)}`);
    assert.equal(r.status, 422, `limit=${limit}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, 'limit', `limit=${limit}`);
  }
  for (const cursor of ['garbage', '!!!', '%00', 'x y']) {
    const r = await c.get(`/api/v1/partners?cursor=${encodeURIComponent(cursor)}`);
    assert.equal(r.status, 422, `cursor=${cursor.slice(0, 20)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, 'cursor');
  }
  // The limit check holds on other lists too.
  for (const path of ['/api/v1/audit?limit=0', '/api/v1/audit?cursor=garbage']) {
    const r = await c.get(path);
    assert.equal(r.status, 422, `${path}: ${r.text}`);
    assert.equal(r.json.error.field, path.includes('limit') ? 'limit' : 'cursor');
  }
});
