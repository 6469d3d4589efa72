// Documents of a referral (docs/api.md "Documents"): raw and multipart
// uploads with their SHA-256, byte-identical downloads with a safe
// Content-Disposition, the 10 MiB limit, 404s, permissions and the audit of
// every download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, admin, manager, liaison, coord, clin, partner;
const ids = {};
const MiB = 1024 * 1024;
const MISSING = 999999999;
const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const errorField = (r) => r.json && r.json.error && r.json.error.field;
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
let seq = 0;

before(async () => {
  srv = await startServer();
  [admin, manager, liaison, coord, clin] = await Promise.all(
    ['admin', 'manager', 'liaison', 'coordinator', 'clinician'].map((r) => signedIn(srv.url, r)));
  for (const [role, c] of Object.entries({ admin, manager, liaison, coordinator: coord, clinician: clin })) {
    ids[role] = (await c.get('/api/v1/me')).json.user.id;
  }
  const p = await coord.post('/api/v1/partners', { name: 'Documents Partner Clinic', specialty: 'Cardiology' });
  assert.equal(p.status, 201, p.text);
  partner = p.json;
});
after(async () => { await srv?.stop(); });

async function referral(over = {}) {
  const r = await coord.post('/api/v1/referrals', {
    direction: 'outbound', partner_id: partner.id,
    patient: { mrn: `DOC-${process.pid}-${++seq}`, given: 'Layla', family: 'Haddad' },
    reason: 'Palpitations', diagnoses: ['R00.2'], ...over,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// Raw upload: the bytes as the body, ?filename= and the Content-Type.
function upload(c, refId, bytes, filename, type = 'application/octet-stream', headers = {}) {
  const q = filename === undefined ? '' : `?filename=${encodeURIComponent(filename)}`;
  return c.request('POST', `/api/v1/referrals/${refId}/documents${q}`, bytes, { raw: true, headers: { 'content-type': type, ...headers } });
}

// A multipart/form-data body built by hand, so that every byte is known.
function multipart(parts) {
  const boundary = `----liaison-test-${randomBytes(8).toString('hex')}`;
  const chunks = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

// Downloads with the client's session; the body as bytes.
async function download(c, docId) {
  const res = await fetch(`${srv.url}/api/v1/documents/${docId}`, { headers: c.cookie ? { cookie: c.cookie } : {} });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json = null;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { json = null; }
  return { status: res.status, headers: res.headers, bytes, json };
}

async function listDocs(refId, c = coord) {
  const r = await c.get(`/api/v1/referrals/${refId}/documents`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// The file names a Content-Disposition header offers: filename="…" and the
// RFC 5987 filename*=UTF-8''… (decoded).
function dispositionNames(h) {
  const out = {};
  const plain = h.match(/(?:^|;)\s*filename="((?:[^"\\]|\\.)*)"/i) || h.match(/(?:^|;)\s*filename=([^;\s]+)/i);
  if (plain) out.plain = plain[1].replace(/\\(.)/g, '$1');
  const star = h.match(/(?:^|;)\s*filename\*=([^;]+)/i);
  if (star) {
    const m = star[1].trim().match(/^UTF-8'[^']*'(.*)$/i);
    assert.ok(m, `filename* is UTF-8'': ${star[1]}`);
    out.star = decodeURIComponent(m[1]);
  }
  return out;
}

function assertSafeDisposition(h, what) {
  assert.ok(h, `${what}: Content-Disposition present`);
  assert.match(h, /^attachment\s*(;|$)/i, `${what}: always an attachment: ${h}`);
  assert.ok(!/[\r\n\0]/.test(h), `${what}: no CR/LF/NUL in the header`);
  const names = dispositionNames(h);
  assert.ok(names.plain !== undefined || names.star !== undefined, `${what}: a file name is given: ${h}`);
  for (const n of Object.values(names)) {
    assert.ok(n.length > 0, `${what}: a non-empty name`);
    assert.ok(!/[/\\]/.test(n), `${what}: no path separator in ${JSON.stringify(n)}`);
    assert.ok(!/[\x00-\x1f\x7f"]/.test(n), `${what}: no control characters or quotes in ${JSON.stringify(n)}`);
    assert.notEqual(n.replace(/[. ]/g, ''), '', `${what}: not only dots: ${JSON.stringify(n)}`);
  }
  if (names.plain !== undefined) assert.ok(/^[\x20-\x7e]*$/.test(names.plain), `${what}: the plain filename is ASCII: ${JSON.stringify(names.plain)}`);
  return names;
}

test('raw upload of 1 MiB of random bytes: 201 with the SHA-256; download is byte-identical', async () => {
  const ref = await referral();
  const bytes = randomBytes(MiB);
  const r = await upload(coord, ref.id, bytes, 'report.pdf', 'application/pdf');
  assert.equal(r.status, 201, r.text);
  const doc = r.json;
  assert.ok(Number.isInteger(doc.id) && doc.id > 0);
  assert.equal(doc.filename, 'report.pdf');
  assert.equal(doc.content_type, 'application/pdf');
  assert.equal(doc.size, MiB);
  assert.equal(doc.sha256, sha256(bytes), 'the SHA-256 of the bytes as Node computes it');
  assert.match(doc.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const d = await download(coord, doc.id);
  assert.equal(d.status, 200);
  assert.equal(d.bytes.length, MiB);
  assert.ok(d.bytes.equals(bytes), 'the bytes come back identical');
  assert.equal(sha256(d.bytes), doc.sha256);
  assert.match(d.headers.get('content-type') || '', /^application\/pdf\b/);
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  const names = assertSafeDisposition(d.headers.get('content-disposition'), 'report.pdf');
  assert.equal(names.plain ?? names.star, 'report.pdf');

  const list = await listDocs(ref.id);
  assert.deepEqual(list.items.map((x) => x.id), [doc.id]);
  assert.equal(list.next_cursor, null);
  const item = list.items[0];
  for (const k of ['id', 'filename', 'content_type', 'size', 'sha256', 'created_at']) assert.deepEqual(item[k], doc[k], k);
  const full = await coord.get(`/api/v1/referrals/${ref.id}`);
  assert.deepEqual(full.json.documents.map((x) => [x.id, x.sha256, x.size]), [[doc.id, doc.sha256, MiB]]);
  // A manager reads documents too.
  const m = await download(manager, doc.id);
  assert.equal(m.status, 200);
  assert.ok(m.bytes.equals(bytes));
});

test('hostile file names: the header never breaks and carries no CR/LF or path separators', async () => {
  const ref = await referral();
  const names = [
    'evil"name.pdf',
    'a\r\nSet-Cookie: pwned=1\r\nX: y.pdf',
    '../../etc/passwd',
    '..\\..\\windows\\win.ini',
    '"; filename=evil.exe; x="',
    'تقرير الإحالة.pdf',
    'résumé – Ünïcödé 😀.txt',
    '..',
    'tab\there;semi%percent*star.pdf',
  ];
  for (const name of names) {
    const bytes = randomBytes(1000 + names.indexOf(name));
    const r = await upload(coord, ref.id, bytes, name, 'application/pdf');
    assert.equal(r.status, 201, `${JSON.stringify(name)}: ${r.text}`);
    assert.equal(r.json.sha256, sha256(bytes));
    assert.ok(!/[/\\\r\n\0]/.test(r.json.filename), `stored name ${JSON.stringify(r.json.filename)} is safe`);
    const d = await download(coord, r.json.id);
    assert.equal(d.status, 200, JSON.stringify(name));
    assert.ok(d.bytes.equals(bytes), `${JSON.stringify(name)}: identical bytes`);
    assert.equal(d.headers.get('set-cookie'), null, `${JSON.stringify(name)}: no header injected`);
    assert.equal(d.headers.get('x'), null, `${JSON.stringify(name)}: no header injected`);
    const got = assertSafeDisposition(d.headers.get('content-disposition'), JSON.stringify(name));
    if (name === 'تقرير الإحالة.pdf') {
      assert.equal(r.json.filename, name, 'an Arabic name is kept');
      assert.equal(got.star, name, 'the Arabic name survives in filename*');
    }
    if (name === '../../etc/passwd') {
      const offered = got.star ?? got.plain;
      assert.ok(!offered.includes('..') || !offered.includes('/'), `no traversal: ${offered}`);
    }
  }
});

test('multipart/form-data upload (field "file") works, other parts are ignored', async () => {
  const ref = await referral();
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200000),
    Buffer.from('\r\n--not-the-boundary\r\n')]);
  const mp = multipart([
    { name: 'note', data: 'an extra text part' },
    { name: 'file', filename: 'ecg.png', type: 'image/png', data: png },
  ]);
  const r = await coord.request('POST', `/api/v1/referrals/${ref.id}/documents`, mp.body, { raw: true, headers: { 'content-type': mp.type } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.filename, 'ecg.png');
  assert.equal(r.json.content_type, 'image/png');
  assert.equal(r.json.size, png.length);
  assert.equal(r.json.sha256, sha256(png));
  const d = await download(coord, r.json.id);
  assert.ok(d.bytes.equals(png), 'identical bytes through multipart');
  assert.match(d.headers.get('content-type') || '', /^image\/png\b/);
  assertSafeDisposition(d.headers.get('content-disposition'), 'ecg.png');

  const ar = multipart([{ name: 'file', filename: 'صورة الأشعة.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.7\n') }]);
  const r2 = await coord.request('POST', `/api/v1/referrals/${ref.id}/documents`, ar.body, { raw: true, headers: { 'content-type': ar.type } });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.json.filename, 'صورة الأشعة.pdf');

  const before = await listDocs(ref.id);
  const nofile = multipart([{ name: 'other', filename: 'x.pdf', type: 'application/pdf', data: 'x' }]);
  const r3 = await coord.request('POST', `/api/v1/referrals/${ref.id}/documents`, nofile.body, { raw: true, headers: { 'content-type': nofile.type } });
  assert.ok([400, 422].includes(r3.status), `multipart without a file part: ${r3.status} ${r3.text}`);
  const broken = await coord.request('POST', `/api/v1/referrals/${ref.id}/documents`, Buffer.from('garbage without boundaries'),
    { raw: true, headers: { 'content-type': 'multipart/form-data; boundary=xyz' } });
  assert.ok([400, 422].includes(broken.status), `malformed multipart: ${broken.status} ${broken.text}`);
  assert.deepEqual(await listDocs(ref.id), before, 'nothing stored');
});

test('more than 10 MiB answers 413 too_large and stores nothing; exactly 10 MiB is accepted', async () => {
  const ref = await referral();
  const before = await listDocs(ref.id);
  for (const size of [10 * MiB + 1, 12 * MiB]) {
    const r = await upload(coord, ref.id, Buffer.alloc(size, 7), 'big.pdf', 'application/pdf');
    assert.equal(r.status, 413, `${size} bytes: ${r.status} ${r.text}`);
    assert.equal(errorCode(r), 'too_large');
  }
  const mp = multipart([{ name: 'file', filename: 'big.pdf', type: 'application/pdf', data: Buffer.alloc(10 * MiB + 1, 1) }]);
  const r = await coord.request('POST', `/api/v1/referrals/${ref.id}/documents`, mp.body, { raw: true, headers: { 'content-type': mp.type } });
  assert.equal(r.status, 413, `multipart file of 10 MiB + 1: ${r.text}`);
  assert.equal(errorCode(r), 'too_large');
  assert.deepEqual(await listDocs(ref.id), before, 'nothing stored');
  assert.deepEqual((await coord.get(`/api/v1/referrals/${ref.id}`)).json.documents, []);

  const exact = randomBytes(10 * MiB);
  const ok = await upload(coord, ref.id, exact, 'exact.bin', 'application/octet-stream');
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.size, 10 * MiB);
  const d = await download(coord, ok.json.id);
  assert.ok(d.bytes.equals(exact));
});

test('bad uploads: no filename, empty file, missing referral (404), missing document (404)', async () => {
  const ref = await referral();
  let r = await upload(coord, ref.id, Buffer.from('hello'), undefined, 'text/plain');
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'filename');
  r = await upload(coord, ref.id, Buffer.from('hello'), '', 'text/plain');
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'filename');
  r = await upload(coord, ref.id, Buffer.alloc(0), 'empty.txt', 'text/plain');
  assert.equal(r.status, 422, r.text);
  assert.deepEqual((await listDocs(ref.id)).items, []);
  r = await upload(coord, MISSING, Buffer.from('x'), 'x.txt', 'text/plain');
  assert.equal(r.status, 404, r.text);
  assert.equal(errorCode(r), 'not_found');
  r = await coord.get(`/api/v1/referrals/${MISSING}/documents`);
  assert.equal(r.status, 404, r.text);
  assert.equal(errorCode(r), 'not_found');
  const d = await download(coord, MISSING);
  assert.equal(d.status, 404);
  assert.equal(d.json.error.code, 'not_found');
  r = await upload(coord, ref.id, Buffer.from('x'), 'x.txt', 'text/plain', { 'x-csrf-token': 'wrong' });
  assert.equal(r.status, 403);
  assert.equal(errorCode(r), 'csrf_failed');
  assert.deepEqual((await listDocs(ref.id)).items, []);
});

test('a type that is not safe to show is stored and served as application/octet-stream', async () => {
  const ref = await referral();
  const html = Buffer.from('<script>alert(document.cookie)</script>');
  const r = await upload(coord, ref.id, html, 'page.html', 'text/html');
  assert.equal(r.status, 201, r.text);
  const d = await download(coord, r.json.id);
  assert.ok(d.bytes.equals(html));
  assert.ok(!/html/i.test(d.headers.get('content-type') || ''), `not served as HTML: ${d.headers.get('content-type')}`);
  assert.equal(d.headers.get('x-content-type-options'), 'nosniff');
  assertSafeDisposition(d.headers.get('content-disposition'), 'page.html');
  const txt = await upload(coord, ref.id, Buffer.from('plain words'), 'note.txt', 'text/plain; charset=utf-8');
  assert.equal(txt.status, 201, txt.text);
  assert.match((await download(coord, txt.json.id)).headers.get('content-type') || '', /^text\/plain\b/);
});

test('permissions: a liaison can neither list nor download; a manager cannot upload', async () => {
  const ref = await referral();
  const doc = (await upload(coord, ref.id, randomBytes(500), 'ecg.pdf', 'application/pdf')).json;
  const d = await download(liaison, doc.id);
  assert.equal(d.status, 403);
  assert.equal(d.json.error.code, 'forbidden');
  assert.ok(d.bytes.length < 400 && !d.headers.get('content-disposition'), 'no file bytes leave');
  let r = await liaison.get(`/api/v1/referrals/${ref.id}/documents`);
  assert.equal(r.status, 403);
  r = await upload(manager, ref.id, Buffer.from('x'), 'x.txt', 'text/plain');
  assert.equal(r.status, 403, r.text);
  assert.equal(errorCode(r), 'forbidden');
  r = await upload(liaison, ref.id, Buffer.from('x'), 'x.txt', 'text/plain');
  assert.equal(r.status, 403);
  const anon = await download({ cookie: null }, doc.id);
  assert.equal(anon.status, 401);
  assert.equal((await download(clin, doc.id)).status, 200);
  assert.deepEqual((await listDocs(ref.id)).items.map((x) => x.id), [doc.id]);
});

test('every download and listing is audited; the upload has its own entry; refused downloads are not reads', async () => {
  const ref = await referral();
  const doc = (await upload(coord, ref.id, randomBytes(300), 'lab.pdf', 'application/pdf')).json;
  assert.equal((await download(clin, doc.id)).status, 200);
  assert.equal((await download(liaison, doc.id)).status, 403);
  await listDocs(ref.id, clin);
  const a = await admin.get('/api/v1/audit?limit=500&action=read');
  assert.equal(a.status, 200, a.text);
  const reads = a.json.items.filter((e) => e.record_id === doc.id && /documents/.test(e.record_type || ''));
  assert.ok(reads.some((e) => e.user_id === ids.clinician && e.outcome === 'success'), `the clinician's download is recorded: ${JSON.stringify(reads)}`);
  assert.ok(!reads.some((e) => e.user_id === ids.liaison && e.outcome === 'success'), 'the refused download is not a read');
  const type = reads[0].record_type;
  const byType = await admin.get(`/api/v1/audit?record_type=${encodeURIComponent(type)}&record_id=${doc.id}`);
  assert.ok(byType.json.items.some((e) => e.action === 'read' && e.user_id === ids.clinician));
  assert.ok(a.json.items.some((e) => e.record_id === ref.id && /referrals\/\{id\}\/documents/.test(e.record_type || '') && e.user_id === ids.clinician),
    'listing a referral\'s documents is recorded');
  const all = await admin.get(`/api/v1/audit?limit=500&record_id=${doc.id}`);
  assert.ok(all.json.items.some((e) => e.action !== 'read' && /document/.test(`${e.action} ${e.record_type}`) && e.user_id === ids.coordinator),
    `the upload is recorded: ${JSON.stringify(all.json.items.map((e) => e.action))}`);
});

test('an attached document counts for completeness and can close the loop without a note', async () => {
  const ref = await referral({ specialty: 'Oncology', packet: { history: 'h', medications: 'm', allergies: 'a', results: 'r', treatment: 't', question: 'q' } });
  assert.ok(ref.completeness.missing.includes('attachments'), `oncology wants attachments: ${JSON.stringify(ref.completeness)}`);
  const up = await upload(coord, ref.id, Buffer.from('%PDF-1.7 pathology'), 'pathology.pdf', 'application/pdf');
  assert.equal(up.status, 201, up.text);
  const g = (await coord.get(`/api/v1/referrals/${ref.id}`)).json;
  assert.ok(!g.completeness.missing.includes('attachments'), `attached: ${JSON.stringify(g.completeness)}`);
  assert.equal(g.completeness.score, 100);
  for (const b of [{ to: 'sent' }, { to: 'accepted' }, { to: 'scheduled', appointment_at: '2030-01-02T09:00:00Z' }, { to: 'seen' }]) {
    const r = await coord.post(`/api/v1/referrals/${ref.id}/transitions`, b);
    assert.equal(r.status, 200, `${b.to}: ${r.text}`);
  }
  const done = await coord.post(`/api/v1/referrals/${ref.id}/transitions`, { to: 'completed' });
  assert.equal(done.status, 200, `completing with a document already attached needs no note: ${done.text}`);
  assert.equal(done.json.status, 'completed');
});
