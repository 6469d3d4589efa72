// No silent duplicates (issue 12 point 3), on both engines: an identifier
// (scheme + value, case and surrounding spaces ignored) belongs to one
// partner — a second use on create or PATCH is 409 conflict naming the
// holder, archived ones included; a partner with the same folded name in
// the same city is a 409 possible_duplicate unless confirm_duplicate is
// sent; an archived partner is restored by POST /partners/{id}/restore,
// audited and on its timeline. Every refusal changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startServer, signedIn, cli, isPostgres, psql, pgAdminUrl, createPgDatabase, dropPgDatabase } from '../lib/server.mjs';

let srv, c, viewer;
before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'manager');
  viewer = await signedIn(srv.url, 'clinician');
});
after(async () => { await srv?.stop(); });

// A valid NPI from nine digits (the Luhn check digit over 80840 + stem).
function npi(stem) {
  const digits = `80840${stem}`.split('').map(Number);
  let sum = 0;
  for (let i = digits.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = digits[i];
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return `${stem}${(10 - (sum % 10)) % 10}`;
}

async function partnerCount() {
  const [a, b] = await Promise.all([c.get('/api/v1/partners?limit=500'), c.get('/api/v1/partners?limit=500&archived=true')]);
  assert.equal(a.status, 200, a.text);
  return a.json.items.length + b.json.items.length;
}
async function create(body) {
  const r = await c.post('/api/v1/partners', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('npi helper makes valid NPIs', async () => {
  assert.equal(npi('123456789'), '1234567893');
});

test('an identifier used by another partner is a 409 conflict naming it; nothing is stored', async () => {
  const holder = await create({ name: 'Identifier Holder', identifiers: [{ scheme: 'license', value: 'IL-036-9001' }, { scheme: 'npi', value: npi('310000001') }] });
  const before = await partnerCount();
  const r = await c.post('/api/v1/partners', {
    name: 'Someone Else',
    identifiers: [{ scheme: 'other', value: 'X' }, { scheme: 'npi', value: npi('310000001') }],
  });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'conflict');
  assert.equal(r.json.error.field, 'identifiers[1].value');
  assert.deepEqual(r.json.error.partner, { id: holder.id, name: 'Identifier Holder', archived: false });
  assert.match(r.json.error.message, /Identifier Holder/);
  assert.equal(await partnerCount(), before, 'the refused partner was not stored');
  // Case and the spaces around a value do not make another identifier.
  const again = await c.post('/api/v1/partners', { name: 'Third', identifiers: [{ scheme: 'license', value: '  il-036-9001 ' }] });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.field, 'identifiers[0].value');
  assert.equal(again.json.error.partner.id, holder.id);
  // The same value under another scheme is another identifier.
  await create({ name: 'Other Scheme', identifiers: [{ scheme: 'facility', value: 'IL-036-9001' }] });
  assert.equal(await partnerCount(), before + 1);
});

test('PATCH to another partner\'s identifier is a 409 and leaves the record as it was', async () => {
  const a = await create({ name: 'Patch Holder', identifiers: [{ scheme: 'scfhs', value: '11-RM-000001' }] });
  const b = await create({ name: 'Patch Taker', identifiers: [{ scheme: 'scfhs', value: '11-RM-000002' }], notes: 'before' });
  const r = await c.patch(`/api/v1/partners/${b.id}`, { notes: 'after', identifiers: [{ scheme: 'scfhs', value: '11-rm-000001' }] });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'conflict');
  assert.equal(r.json.error.field, 'identifiers[0].value');
  assert.equal(r.json.error.partner.id, a.id);
  const now = (await c.get(`/api/v1/partners/${b.id}`)).json;
  assert.equal(now.notes, 'before');
  assert.deepEqual(now.identifiers.map((x) => x.value), ['11-RM-000002']);
  // Its own identifiers sent again, and other changes, are fine.
  const ok = await c.patch(`/api/v1/partners/${b.id}`, { notes: 'after', identifiers: [{ scheme: 'scfhs', value: '11-RM-000002', issuer: 'SCFHS' }] });
  assert.equal(ok.status, 200, ok.text);
  // An identifier given up can be taken by another.
  const freed = await c.patch(`/api/v1/partners/${a.id}`, { identifiers: [] });
  assert.equal(freed.status, 200, freed.text);
  const taken = await c.patch(`/api/v1/partners/${b.id}`, { identifiers: [{ scheme: 'scfhs', value: '11-RM-000001' }] });
  assert.equal(taken.status, 200, taken.text);
});

test('an archived partner still owns its identifiers', async () => {
  const a = await create({ name: 'Archived Holder', identifiers: [{ scheme: 'npi', value: npi('310000002') }] });
  assert.equal((await c.del(`/api/v1/partners/${a.id}`)).status, 204);
  const r = await c.post('/api/v1/partners', { name: 'New One', identifiers: [{ scheme: 'npi', value: npi('310000002') }] });
  assert.equal(r.status, 409, r.text);
  assert.deepEqual(r.json.error.partner, { id: a.id, name: 'Archived Holder', archived: true });
});

test('one identifier twice in one body is a 422 naming the repeat', async () => {
  const before = await partnerCount();
  const r = await c.post('/api/v1/partners', { name: 'Twice', identifiers: [{ scheme: 'license', value: 'L-77' }, { scheme: 'license', value: 'l-77 ' }] });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'identifiers[1].value');
  const blank = await c.post('/api/v1/partners', { name: 'Blank', identifiers: [{ scheme: 'license', value: '   ' }] });
  assert.equal(blank.status, 422, blank.text);
  assert.equal(blank.json.error.field, 'identifiers[0].value');
  assert.equal(await partnerCount(), before);
});

test('same folded name in the same city: 409 possible_duplicate naming the match, unless confirmed', async () => {
  const first = await create({ name: 'Dr. Éloïse Martin', address: { city: 'Springfield' } });
  const arabic = await create({ name: 'د. أحمد الغامدي', address: { city: 'الرياض' } });
  const before = await partnerCount();
  const r = await c.post('/api/v1/partners', { name: 'dr. eloise MARTIN', address: { city: 'springfield' } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'possible_duplicate');
  assert.deepEqual(r.json.error.matches, [{ id: first.id, name: 'Dr. Éloïse Martin', city: 'Springfield', archived: false }]);
  // Arabic: hamza forms and diacritics fold alike.
  const ar = await c.post('/api/v1/partners', { name: 'د. احمد الغامدي', address: { city: 'الرياض' } });
  assert.equal(ar.status, 409, ar.text);
  assert.equal(ar.json.error.code, 'possible_duplicate');
  assert.equal(ar.json.error.matches[0].id, arabic.id);
  assert.equal(await partnerCount(), before, 'nothing stored without the confirmation');
  // Another city, or confirm_duplicate: true, and it is made.
  await create({ name: 'Dr. Eloise Martin', address: { city: 'Chicago' } });
  const confirmed = await c.post('/api/v1/partners', { name: 'Dr. Eloise Martin', address: { city: 'Springfield' }, confirm_duplicate: true });
  assert.equal(confirmed.status, 201, confirmed.text);
  assert.ok(!('confirm_duplicate' in confirmed.json), 'the confirmation is not part of the record');
  assert.equal(await partnerCount(), before + 2);
  // Now two match.
  const third = await c.post('/api/v1/partners', { name: 'Dr. ELOISE martin', address: { city: 'SPRINGFIELD' } });
  assert.equal(third.status, 409, third.text);
  assert.deepEqual(third.json.error.matches.map((m) => m.id), [first.id, confirmed.json.id]);
});

test('no city matches no city; a bad confirm_duplicate is a 422 and changes nothing', async () => {
  const a = await create({ name: 'Cityless Clinic' });
  const before = await partnerCount();
  const r = await c.post('/api/v1/partners', { name: 'cityless clinic' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.matches[0].id, a.id);
  assert.equal(r.json.error.matches[0].city, null);
  const bad = await c.post('/api/v1/partners', { name: 'Cityless Clinic', confirm_duplicate: 'yes' });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.field, 'confirm_duplicate');
  assert.equal(await partnerCount(), before);
  // An identifier clash wins over a possible duplicate: confirming cannot pass it.
  await create({ name: 'Clash First', address: { city: 'Jeddah' }, identifiers: [{ scheme: 'other', value: 'CF-1' }] });
  const both = await c.post('/api/v1/partners', { name: 'Clash First', address: { city: 'Jeddah' }, identifiers: [{ scheme: 'other', value: 'CF-1' }], confirm_duplicate: true });
  assert.equal(both.status, 409, both.text);
  assert.equal(both.json.error.code, 'conflict');
});

test('restore: an archived partner comes back, audited and on its timeline', async () => {
  const p = await create({ name: 'Comeback Clinic', address: { city: 'Dammam' } });
  assert.equal((await c.del(`/api/v1/partners/${p.id}`)).status, 204);
  assert.equal((await c.get(`/api/v1/partners/${p.id}`)).json.archived, true);
  // Not for those who may not change partners.
  const denied = await viewer.post(`/api/v1/partners/${p.id}/restore`, {});
  assert.equal(denied.status, 403, denied.text);
  assert.equal((await c.get(`/api/v1/partners/${p.id}`)).json.archived, true, 'a refused restore changes nothing');
  const r = await c.post(`/api/v1/partners/${p.id}/restore`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, p.id);
  assert.equal(r.json.archived, false);
  const list = await c.get('/api/v1/partners?limit=500&q=comeback');
  assert.deepEqual(list.json.items.map((x) => x.id), [p.id], 'back in the list');
  // Restoring a partner that is not archived: 409, nothing changes.
  const again = await c.post(`/api/v1/partners/${p.id}/restore`, {});
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'conflict');
  const missing = await c.post('/api/v1/partners/999999999/restore', {});
  assert.equal(missing.status, 404, missing.text);
  const audit = await signedIn(srv.url, 'admin').then((a) => a.get(`/api/v1/audit?record_id=${p.id}&record_type=partner&limit=50`));
  assert.equal(audit.status, 200, audit.text);
  const actions = audit.json.items.map((e) => e.action);
  assert.ok(actions.includes('partner.archive') && actions.includes('partner.restore'), actions.join());
  assert.equal(actions.filter((a) => a === 'partner.restore').length, 1, 'the refused restores wrote nothing');
  const tl = await c.get(`/api/v1/partners/${p.id}/timeline`);
  assert.equal(tl.status, 200, tl.text);
  const records = tl.json.items.filter((x) => x.kind === 'record').map((x) => x.title);
  assert.deepEqual(records, ['restored', 'archived'], 'newest first');
  // Archiving twice records one archive.
  await c.del(`/api/v1/partners/${p.id}`);
  await c.del(`/api/v1/partners/${p.id}`);
  const tl2 = await c.get(`/api/v1/partners/${p.id}/timeline`);
  assert.equal(tl2.json.items.filter((x) => x.kind === 'record').length, 3);
});

// ---- liaison import partners: match, update, never duplicate ----
let files = 0;
function importPartners(text, ...extra) {
  const f = join(srv.dir, `dups-${++files}.csv`);
  writeFileSync(f, text);
  return cli(['import', 'partners', f, '--db', srv.db, ...extra]);
}
const found = async (q) => (await c.get(`/api/v1/partners?limit=500&q=${encodeURIComponent(q)}`)).json.items;

test('importing the same file twice: the second run creates nothing and reports every row unchanged', async () => {
  const text = 'name,npi,city,phone,languages,stage\n' +
    `Twice Imported Clinic,${npi('320000001')},Springfield,+1 555 0101,en;ar,active\n` +
    'عيادة الاستيراد المزدوج,,الرياض,,ar,\n' +
    'Twice Cityless Practice,,,,,\n';
  const before = await partnerCount();
  const first = importPartners(text);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^partners: created 3, updated 0, unchanged 0, skipped 0$/m);
  assert.equal(await partnerCount(), before + 3);
  const second = importPartners(text);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /^partners: created 0, updated 0, unchanged 3, skipped 0$/m);
  assert.equal(await partnerCount(), before + 3, 'no duplicates');
  // The run's one audit entry says so too (the list leaves details out).
  const detail = JSON.parse(sql(srv.db, "SELECT detail FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1").trim());
  assert.deepEqual([detail.rows, detail.imported, detail.created, detail.updated, detail.unchanged, detail.skipped], [3, 3, 0, 0, 3, 0]);
});

test('a row matching a stored partner updates it: by identifier, then by folded name in the folded city', async () => {
  const byId = await create({ name: 'Matched By NPI', identifiers: [{ scheme: 'license', value: 'MB-1' }, { scheme: 'npi', value: npi('320000002') }],
    address: { line: '9 Elm St', city: 'Decatur' }, phone: '+1 555 0102' });
  const byName = await create({ name: 'Dr. Zoë Fallon', address: { line: '1 Oak Ave', city: 'Peoria' }, notes: 'kept' });
  const before = await partnerCount();
  const r = importPartners('name,npi,city,phone,stage\n' +
    `Matched By NPI (renamed),${npi('320000002')},,+1 555 0199,\n` +
    `dr. zoe fallon,${npi('320000003')},PEORIA,,meeting\n` +
    'Brand New Import,,Peoria,,\n');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^partners: created 1, updated 2, unchanged 0, skipped 0$/m);
  assert.equal(await partnerCount(), before + 1);
  const a = (await c.get(`/api/v1/partners/${byId.id}`)).json;
  assert.equal(a.name, 'Matched By NPI (renamed)');
  assert.equal(a.phone, '+1 555 0199');
  assert.equal(a.address.line, '9 Elm St', 'columns the file lacks stay as they were');
  assert.deepEqual(a.identifiers.map((x) => x.scheme), ['license', 'npi'], 'its own identifiers are kept');
  const b = (await c.get(`/api/v1/partners/${byName.id}`)).json;
  assert.equal(b.stage, 'meeting');
  assert.equal(b.notes, 'kept');
  assert.equal(b.address.line, '1 Oak Ave');
  assert.deepEqual(b.identifiers.map((x) => x.value), [npi('320000003')], 'the row\'s NPI is added');
  // The update took the NPI: another partner may not have it now.
  const taken = await c.post('/api/v1/partners', { name: 'NPI thief', identifiers: [{ scheme: 'npi', value: npi('320000003') }] });
  assert.equal(taken.status, 409, taken.text);
  assert.equal(taken.json.error.partner.id, byName.id);
});

test('the identifier match comes before the name match; a bad row stores nothing, or is skipped with --skip-bad', async () => {
  const holder = await create({ name: 'NPI Owner Import', identifiers: [{ scheme: 'npi', value: npi('320000004') }] });
  const named = await create({ name: 'Name Owner Import', address: { city: 'Quincy' } });
  const before = await partnerCount();
  const text = 'name,npi,city,phone\n' +
    'Fresh Row Import,,Quincy,\n' +
    'NAME OWNER IMPORT,' + npi('320000004') + ',Quincy,+1 555 0104\n';
  // The second row's name is one partner's, its NPI another's: the NPI wins.
  const r = importPartners(text);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^partners: created 1, updated 1, unchanged 0, skipped 0$/m);
  assert.equal((await c.get(`/api/v1/partners/${holder.id}`)).json.phone, '+1 555 0104');
  assert.equal((await c.get(`/api/v1/partners/${named.id}`)).json.phone, null);
  assert.equal(await partnerCount(), before + 1);
  // A bad row stops the run and stores nothing (the good row before it too).
  const bad = importPartners('name,npi,city\nGood Row Before,,Quincy\nBad Npi Row,1234567890,Quincy\n');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /line 3, column npi/);
  assert.equal(await partnerCount(), before + 1);
  assert.equal((await found('Good Row Before')).length, 0);
  const skip = importPartners('name,npi,city\nGood Row Before,,Quincy\nBad Npi Row,1234567890,Quincy\n', '--skip-bad');
  assert.equal(skip.status, 0, skip.stderr);
  assert.match(skip.stdout, /^partners: created 1, updated 0, unchanged 0, skipped 1$/m);
});

// Straight at a database, past Liaison: the sqlite3 tool, or psql.
function sql(db, q) {
  if (isPostgres(db)) return psql(db, q);
  const r = spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 10000', db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3: ${q}: ${r.stderr}`);
  return r.stdout;
}

test('migration 011 gives each stored identifier to the first partner that had it', async () => {
  const db = pgAdminUrl() ? createPgDatabase() : join(srv.dir, 'migrate.db');
  try {
    assert.equal(cli(['init', '--db', db]).status, 0);
    // Back to before 011, with two partners stored then that share an NPI.
    sql(db, "DROP TABLE partner_identifiers; DROP TABLE partner_events; DROP INDEX partners_by_name_key; DELETE FROM schema_migrations WHERE version = 11; " +
      "INSERT INTO partners (kind, name, name_key, search_key, identifiers, stage, created_at, updated_at) VALUES " +
      "('physician', 'First', 'first', 'first', '[{\"scheme\":\"npi\",\"value\":\"1234567893\"},{\"scheme\":\"license\",\"value\":\" il-9 \"}]', 'prospect', 1, 1), " +
      "('physician', 'Second', 'second', 'second', '[{\"scheme\":\"npi\",\"value\":\"1234567893\"}]', 'prospect', 1, 1)");
    const r = cli(['init', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    const rows = sql(db, 'SELECT p.name, i.scheme, i.value_key FROM partner_identifiers i JOIN partners p ON p.id = i.partner_id ORDER BY i.scheme, p.name')
      .trim().split('\n');
    assert.deepEqual(rows, ['First|license|IL-9', 'First|npi|1234567893']);
  } finally {
    if (isPostgres(db)) dropPgDatabase(db);
  }
});
