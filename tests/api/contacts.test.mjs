// Contacts: the people at a partner. Create, list, read, update, delete;
// validation stores nothing; contacts of a missing partner are 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

let srv, c, partner;
const FIELDS = ['id', 'partner_id', 'name', 'role', 'phone', 'email', 'preferred_channel', 'notes', 'created_at', 'updated_at'];
const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const MISSING = 999999999;
const errorCode = (r) => r.json && r.json.error && r.json.error.code;

before(async () => {
  srv = await startServer();
  c = await signedIn(srv.url, 'liaison');
  const r = await c.post('/api/v1/partners', { name: 'Haddad Heart Clinic', kind: 'clinic' });
  assert.equal(r.status, 201, r.text);
  partner = r.json;
});
after(async () => { await srv?.stop(); });

async function listAll(pid = partner.id) {
  const r = await c.get(`/api/v1/partners/${pid}/contacts?limit=500`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.next_cursor, null);
  return r.json.items;
}

test('create, list, get, patch, delete a contact', async () => {
  const input = { name: 'Maria Lopez', role: 'referral_coordinator', phone: '+1 555 0101', email: 'maria@haddad.example', preferred_channel: 'fax', notes: 'Faxes before noon.' };
  const r = await c.post(`/api/v1/partners/${partner.id}/contacts`, input);
  assert.equal(r.status, 201, r.text);
  const ct = r.json;
  assert.deepEqual(Object.keys(ct).sort(), [...FIELDS].sort());
  assert.equal(ct.partner_id, partner.id);
  for (const [k, v] of Object.entries(input)) assert.equal(ct[k], v, k);
  assert.match(ct.created_at, RFC3339_UTC);
  assert.match(ct.updated_at, RFC3339_UTC);

  const d = await c.post(`/api/v1/partners/${partner.id}/contacts`, { name: 'Sam Default' });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.role, 'other', 'role defaults to other');
  assert.equal(d.json.preferred_channel, null);
  for (const f of ['phone', 'email', 'notes']) assert.equal(d.json[f], null, f);

  const items = await listAll();
  assert.deepEqual(items.map((x) => x.id).sort((a, b) => a - b), [ct.id, d.json.id].sort((a, b) => a - b));
  assert.deepEqual(items.find((x) => x.id === ct.id), ct);

  const g = await c.get(`/api/v1/contacts/${ct.id}`);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, ct);

  const p = await c.patch(`/api/v1/contacts/${ct.id}`, { role: 'office_manager', phone: null, preferred_channel: 'email' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.role, 'office_manager');
  assert.equal(p.json.phone, null);
  assert.equal(p.json.preferred_channel, 'email');
  assert.equal(p.json.name, 'Maria Lopez', 'unsent fields stay');
  assert.equal(p.json.email, input.email);
  assert.equal(p.json.partner_id, partner.id);
  assert.deepEqual((await c.get(`/api/v1/contacts/${ct.id}`)).json, p.json);

  const del = await c.del(`/api/v1/contacts/${ct.id}`);
  assert.equal(del.status, 204, del.text);
  assert.equal(del.text, '');
  const gone = await c.get(`/api/v1/contacts/${ct.id}`);
  assert.equal(gone.status, 404);
  assert.equal(errorCode(gone), 'not_found');
  assert.deepEqual((await listAll()).map((x) => x.id), [d.json.id]);
  const again = await c.del(`/api/v1/contacts/${ct.id}`);
  assert.equal(again.status, 404, 'deleting twice is 404');
});

test('contacts belong to their partner only', async () => {
  const other = (await c.post('/api/v1/partners', { name: 'Other Practice' })).json;
  const x = await c.post(`/api/v1/partners/${other.id}/contacts`, { name: 'Only Here' });
  assert.equal(x.status, 201);
  assert.deepEqual((await listAll(other.id)).map((i) => i.id), [x.json.id]);
  assert.ok(!(await listAll()).some((i) => i.id === x.json.id));
});

test('Arabic contact text round-trips', async () => {
  const input = { name: 'نورة القحطاني', role: 'office_manager', preferred_channel: 'phone', notes: 'تفضّل الاتصال بعد الظهر — prefers afternoons' };
  const r = await c.post(`/api/v1/partners/${partner.id}/contacts`, input);
  assert.equal(r.status, 201, r.text);
  for (const [k, v] of Object.entries(input)) assert.equal(r.json[k], v, k);
  const g = await c.get(`/api/v1/contacts/${r.json.id}`);
  assert.ok(Buffer.from(g.text).includes(Buffer.from('نورة القحطاني')), 'raw UTF-8 in the answer');
});

test('invalid contacts are refused with 422 naming the field, and nothing is stored', async () => {
  const cases = [
    [{}, 'name'],
    [{ role: 'nurse' }, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 7 }, 'name'],
    [{ name: 'Bad Role', role: 'surgeon' }, 'role'],
    [{ name: 'Bad Channel', preferred_channel: 'pigeon' }, 'preferred_channel'],
    [{ name: 'Bad Email', email: 'not-an-email' }, 'email'],
    [{ name: 'Bad Phone', phone: 'call me' }, 'phone'],
    [{ name: 'Unknown', title: 'Dr.' }, 'title'],
    [{ name: 'Wrong Partner', partner_id: 1 }, 'partner_id'],
  ];
  for (const [body, field] of cases) {
    const before = await listAll();
    const r = await c.post(`/api/v1/partners/${partner.id}/contacts`, body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
    assert.equal(errorCode(r), 'validation_failed');
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    assert.deepEqual(await listAll(), before, `${JSON.stringify(body)}: nothing stored`);
  }
  const ct = (await c.post(`/api/v1/partners/${partner.id}/contacts`, { name: 'Patch Me', role: 'billing' })).json;
  for (const [body, field] of [[{ role: 'surgeon' }, 'role'], [{ name: null }, 'name'], [{ title: 'x' }, 'title'], [{ email: 'x' }, 'email']]) {
    const r = await c.patch(`/api/v1/contacts/${ct.id}`, body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field);
    assert.deepEqual((await c.get(`/api/v1/contacts/${ct.id}`)).json, ct, 'unchanged');
  }
});

test('contacts of a missing partner, and a missing contact, are 404', async () => {
  let r = await c.get(`/api/v1/partners/${MISSING}/contacts`);
  assert.equal(r.status, 404, r.text);
  assert.equal(errorCode(r), 'not_found');
  r = await c.post(`/api/v1/partners/${MISSING}/contacts`, { name: 'Nobody Home' });
  assert.equal(r.status, 404, r.text);
  assert.equal(errorCode(r), 'not_found');
  for (const [method, body] of [['GET'], ['PATCH', { notes: 'x' }], ['DELETE']]) {
    r = await c.request(method, `/api/v1/contacts/${MISSING}`, body);
    assert.equal(r.status, 404, `${method}: ${r.text}`);
    assert.equal(errorCode(r), 'not_found');
  }
});
