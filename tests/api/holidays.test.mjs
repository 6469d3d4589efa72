// Holidays years away get a warning (issue 12 point 1): a holiday more than
// two calendar years from this year is most often a mistyped year (2062 for
// 2026). It is kept — a warning, not a refusal — and GET names it in
// `warnings`; what GET answered can be sent back as it came.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
});
after(async () => { await srv?.stop(); });

const year = new Date().getUTCFullYear();

test('holidays far from this year are kept and named in warnings; near ones are not', async () => {
  const cur = (await admin.get('/api/v1/settings/service-levels')).json;
  assert.deepEqual(cur.warnings, []);
  const holidays = [`${year}-12-25`, `${year + 2}-01-01`, `${year + 3}-05-01`, `${year - 3}-05-01`, `${year + 36}-12-25`];
  const put = await admin.put('/api/v1/settings/service-levels', { ...cur, holidays });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json.holidays, holidays);
  assert.deepEqual(put.json.warnings.map((w) => [w.code, w.field, w.params.date, w.params.years]), [
    ['holiday_far', 'holidays[2]', holidays[2], 2],
    ['holiday_far', 'holidays[3]', holidays[3], 2],
    ['holiday_far', 'holidays[4]', holidays[4], 2],
  ]);
  for (const w of put.json.warnings) assert.ok(w.message.length > 0);

  // The answer goes back as it came (warnings are read-only) and nothing moves.
  const again = await admin.put('/api/v1/settings/service-levels', put.json);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json, put.json);
});

test('a refused change keeps the stored holidays and their warnings', async () => {
  const before = (await admin.get('/api/v1/settings/service-levels')).json;
  const bad = await admin.put('/api/v1/settings/service-levels', { ...before, holidays: [`${year}-02-30`] });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.field, 'holidays[0]');
  assert.deepEqual((await admin.get('/api/v1/settings/service-levels')).json, before);
});
