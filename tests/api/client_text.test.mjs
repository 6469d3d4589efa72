// Client text is safe by construction (issue 11, point 4): every error body
// is valid JSON whatever the client sent (invalid UTF-8, long Arabic text);
// the referral-list cache tells apart queries that differ past any width;
// a stored JSON column that does not parse answers 500 for that request
// only, logged once, and the server goes on serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { startServer, signedIn, isPostgres } from '../lib/server.mjs';

let srv, coord, admin;

function sql(q) {
  const r = isPostgres(srv.db)
    ? spawnSync('psql', ['-X', '-q', '-At', '-d', srv.db, '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', srv.db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${q}: ${r.stderr}`);
  return r.stdout.trim();
}

// A raw request: fetch() would percent-encode the path's bytes.
async function rawSocketGet(path, headers = {}) {
  const u = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname, () => {
      const lines = [Buffer.from('GET '), Buffer.from(path, 'latin1'), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n')];
      for (const [k, v] of Object.entries(headers)) lines.push(Buffer.from(`${k}: ${v}\r\n`));
      lines.push(Buffer.from('\r\n'));
      s.write(Buffer.concat(lines));
    });
    const chunks = [];
    s.on('data', (d) => chunks.push(d));
    s.on('error', reject);
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, sep).toString('latin1');
      let body = all.subarray(sep + 4);
      if (/transfer-encoding: chunked/i.test(head)) {
        const parts = [];
        let i = 0;
        for (;;) {
          const nl = body.indexOf('\r\n', i);
          const n = parseInt(body.subarray(i, nl).toString(), 16);
          if (!n) break;
          parts.push(body.subarray(nl + 2, nl + 2 + n));
          i = nl + 2 + n + 2;
        }
        body = Buffer.concat(parts);
      }
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
  });
}

// The body is JSON that parses, with the error dialect's fields.
function errorBody(body, code) {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  assert.ok(text.length > 0, 'an error body');
  const j = JSON.parse(text);
  assert.equal(j.error.code, code, text);
  assert.equal(typeof j.error.message, 'string');
  return j.error;
}

before(async () => {
  srv = await startServer();
  [coord, admin] = await Promise.all(['coordinator', 'admin'].map((r) => signedIn(srv.url, r)));
});
after(async () => { await srv?.stop(); });

test('a path with invalid UTF-8 answers 404 with a JSON body (U+FFFD in its message)', async () => {
  const r = await rawSocketGet('/api/v1/\xff');
  assert.equal(r.status, 404, r.head);
  const e = errorBody(r.body, 'not_found');
  assert.ok(e.message.includes('\uFFFD'), e.message);
  // A lone continuation byte and a cut three-byte sequence too.
  for (const p of ['/api/v1/\x80abc', '/api/v1/\xd8', '/api/v1/\xe2\x82']) {
    const q = await rawSocketGet(p);
    assert.equal(q.status, 404);
    errorBody(q.body, 'not_found');
  }
});

test('a 404 for a very long Arabic path keeps a JSON body, its message capped between letters', async () => {
  const r = await coord.get(`/api/v1/${encodeURIComponent('عربي'.repeat(1000))}`);
  assert.equal(r.status, 404);
  const e = errorBody(r.text, 'not_found');
  assert.ok(!e.message.includes('\uFFFD'), 'no broken letter');
  assert.ok(Buffer.byteLength(e.message) <= 1024, `capped: ${Buffer.byteLength(e.message)} bytes`);
  assert.ok(e.message.endsWith('…'), 'marked as cut');
});

test('an unknown key of 100 Arabic letters answers 422 with a JSON body that names it whole', async () => {
  const key = 'ب'.repeat(100);
  const r = await coord.post('/api/v1/partners', { name: 'Arabic Key Clinic', [key]: 1 });
  assert.equal(r.status, 422, r.text);
  const e = errorBody(r.text, 'validation_failed');
  assert.equal(e.field, key);
  assert.ok(e.message.startsWith(key), e.message);
});

test('a very long error message is capped at a character boundary, never inside a letter', async () => {
  for (const n of [300, 301, 302, 1000, 5000]) {
    const key = 'x'.repeat(n % 3) + 'عربي'.repeat(Math.ceil(n / 4));
    const r = await coord.post('/api/v1/partners', { name: 'Long Key Clinic', [key]: 1 });
    assert.equal(r.status, 422);
    const e = errorBody(r.text, 'validation_failed');
    assert.ok(!e.message.includes('\uFFFD'), 'no broken letter in the message');
    assert.ok(!(e.field || '').includes('\uFFFD'), 'no broken letter in the field');
    assert.ok(key.startsWith(e.field.replace(/…$/, '')), 'the field is a prefix of the key');
  }
});

test('keys and values with quotes, backslashes and control characters are escaped', async () => {
  const key = 'a"b\\c\u0001\n</script>';
  const r = await coord.post('/api/v1/partners', { name: 'Escape Clinic', [key]: 1 });
  assert.equal(r.status, 422, r.text);
  const e = errorBody(r.text, 'validation_failed');
  assert.equal(e.field, key);
});

test('the list cache tells emergency_12h from emergency_24h', async () => {
  const cur = (await admin.get('/api/v1/settings/service-levels')).json;
  assert.ok(cur, 'service levels readable');
  const target = (minutes) => ({ minutes, clock: 'calendar' });
  const cls = (name, h) => ({ name, acknowledge: target(60), schedule: target(h * 60), see: target(h * 60), report: target(1440) });
  const put = await admin.put('/api/v1/settings/service-levels', {
    weekdays: cur.weekdays, holidays: cur.holidays, utc_offset_minutes: cur.utc_offset_minutes,
    urgencies: [...cur.urgencies, cls('emergency_12h', 12), cls('emergency_24h', 24)],
  });
  assert.equal(put.status, 200, put.text);
  const partner = (await coord.post('/api/v1/partners', { name: 'Urgency Cache Clinic' })).json;
  const ids = {};
  for (const u of ['emergency_12h', 'emergency_24h']) {
    const r = await coord.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: u, reason: u,
      patient: { mrn: `UC-${process.pid}-${u}`, given: 'Hala', family: 'Cache' } });
    assert.equal(r.status, 201, r.text);
    ids[u] = r.json.id;
  }
  // Several times each, in an order that lets every worker thread answer
  // (and keep) both, whichever thread takes which request.
  const order = [12, 12, 24, 24, 12, 24, 24, 12, 12, 12, 24, 24, 24, 12];
  for (const h of order) {
    {
      const u = `emergency_${h}h`;
      const r = await coord.get(`/api/v1/referrals?partner_id=${partner.id}&urgency=${u}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.items.map((x) => x.id), [ids[u]], `urgency=${u}`);
      assert.ok(r.json.items.every((x) => x.urgency === u));
    }
  }
});

test('the list cache tells apart long status and direction values (422, never another page)', async () => {
  const r = await coord.get(`/api/v1/referrals?status=${'s'.repeat(300)}`);
  assert.equal(r.status, 422);
  errorBody(r.text, 'validation_failed');
  const u = await coord.get(`/api/v1/referrals?urgency=${encodeURIComponent('ع'.repeat(200))}`);
  assert.equal(u.status, 422, u.text);
  errorBody(u.text, 'validation_failed');
});

test('a stored JSON column that does not parse: 500 for that request only, logged once', async () => {
  const good = (await coord.post('/api/v1/partners', { name: 'Good Stored Clinic' })).json;
  const bad = await coord.post('/api/v1/partners', { name: 'Bad Stored Clinic', languages: ['ar'] });
  assert.equal(bad.status, 201, bad.text);
  const id = bad.json.id;
  const marker = `broken-${process.pid}`;
  sql(`UPDATE partners SET languages = '["ar", {"${marker}' WHERE id = ${id}`);
  const logBefore = srv.log().length;

  // The PATCH first: it used to abort the whole server (BUG in partner_json).
  const p = await coord.patch(`/api/v1/partners/${id}`, { notes: 'after the damage' });
  assert.equal(p.status, 500, p.text);
  errorBody(p.text, 'internal');

  const g = await coord.get(`/api/v1/partners/${id}`);
  assert.equal(g.status, 500, g.text);
  errorBody(g.text, 'internal');

  const l = await coord.get('/api/v1/partners?limit=500');
  assert.equal(l.status, 500, l.text);
  errorBody(l.text, 'internal');

  // The server goes on serving: the good record and others.
  const ok = await coord.get(`/api/v1/partners/${good.id}`);
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await coord.get('/healthz')).status, 200);
  assert.ok(srv.proc.exitCode === null && srv.proc.signalCode === null, 'the server is still running');

  // The bad value is logged: once per request that met it, naming the column.
  await new Promise((r) => setTimeout(r, 100));
  const log = srv.log().slice(logBefore);
  const lines = log.split('\n').filter((x) => /stored JSON/.test(x));
  assert.equal(lines.length, 3, log);
  assert.ok(lines.every((x) => x.includes('languages')), log);
  // The unchanged record is not rewritten by the refused PATCH.
  assert.match(sql(`SELECT notes IS NULL FROM partners WHERE id = ${id}`), /^(1|t)$/);
});

test('a referral whose stored diagnoses do not parse answers 500, others still read', async () => {
  const partner = (await coord.post('/api/v1/partners', { name: 'Diagnoses Clinic' })).json;
  const mk = async (n) => (await coord.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: 'routine',
    reason: 'dx', patient: { mrn: `DX-${process.pid}-${n}`, given: 'Dana', family: 'Dx' } })).json;
  const a = await mk(1), b = await mk(2);
  sql(`UPDATE referrals SET diagnoses = '[{"code":' WHERE id = ${a.id}`);
  const r = await coord.get(`/api/v1/referrals/${a.id}`);
  assert.equal(r.status, 500, r.text);
  errorBody(r.text, 'internal');
  const ok = await coord.get(`/api/v1/referrals/${b.id}`);
  assert.equal(ok.status, 200, ok.text);
});

test('an interaction whose stored previous version does not parse answers 500', async () => {
  const partner = (await coord.post('/api/v1/partners', { name: 'History Clinic' })).json;
  const ix = await coord.post('/api/v1/interactions', { partner_id: partner.id, kind: 'call', direction: 'outbound', summary: 'first' });
  assert.equal(ix.status, 201, ix.text);
  const ed = await coord.patch(`/api/v1/interactions/${ix.json.id}`, { summary: 'second' });
  assert.equal(ed.status, 200, ed.text);
  assert.equal((await coord.get(`/api/v1/interactions/${ix.json.id}`)).status, 200);
  sql(`UPDATE interaction_versions SET previous = '{"summary": "fi' WHERE interaction_id = ${ix.json.id}`);
  const r = await coord.get(`/api/v1/interactions/${ix.json.id}`);
  assert.equal(r.status, 500, r.text);
  errorBody(r.text, 'internal');
});

test('a long Arabic specialty finds its own checklist (the settings key is not cut)', async () => {
  const partner = (await coord.post('/api/v1/partners', { name: 'Long Specialty Clinic' })).json;
  const spec = (tail) => 'طب الأطفال '.repeat(8) + tail; // 88 letters, 168 bytes before the tail
  for (const [tail, required] of [['أ', ['reason', 'history']], ['ب', ['reason', 'results']]]) {
    const cl = await admin.put('/api/v1/settings/checklists', { specialty: spec(tail), checklist: { required } });
    assert.equal(cl.status, 200, cl.text);
  }
  for (const [tail, missing] of [['أ', ['history']], ['ب', ['results']]]) {
    const r = await coord.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: 'routine', reason: 'long',
      specialty: spec(tail), patient: { mrn: `LS-${process.pid}-${tail}`, given: 'Rami', family: 'Spec' } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.completeness.missing, missing, spec(tail));
  }
});

// Last: it damages settings that every referral write reads.
test('stored settings that do not parse answer 500 (not silently the defaults), and a new PUT repairs them', async () => {
  const cur = (await admin.get('/api/v1/settings/service-levels')).json;
  assert.equal((await admin.put('/api/v1/settings/service-levels', cur)).status, 200); // the row exists
  sql(`UPDATE settings SET value = '{"weekdays": 62, "urg' WHERE key = 'service_levels'`);
  const g = await admin.get('/api/v1/settings/service-levels');
  assert.equal(g.status, 500, g.text);
  errorBody(g.text, 'internal');
  const put = await admin.put('/api/v1/settings/service-levels', cur);
  assert.equal(put.status, 200, put.text);
  assert.deepEqual((await admin.get('/api/v1/settings/service-levels')).json, cur);

  const cl = await admin.put('/api/v1/settings/checklists', { specialty: 'Cardiology', checklist: { required: ['reason', 'history'] } });
  assert.equal(cl.status, 200, cl.text);
  sql(`UPDATE settings SET value = '{"reason": 5' WHERE key LIKE 'checklist:%'`);
  const c = await admin.get('/api/v1/settings/checklists');
  assert.equal(c.status, 500, c.text);
  errorBody(c.text, 'internal');
  assert.equal((await coord.get('/healthz')).status, 200);
});
