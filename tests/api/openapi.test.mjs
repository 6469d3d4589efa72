// docs/openapi.yaml against the route table and against the real server:
// scripts/check-openapi.mjs passes, and every answer of a sweep over all
// routes has a status the document lists for that operation and a body that
// matches the documented schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { startServer, Client, signedIn } from '../lib/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const addFormats = addFormatsModule.default || addFormatsModule;

test('scripts/check-openapi.mjs passes', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'check-openapi.mjs')], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /valid OpenAPI 3\.1/);
});

// ---- answers conform to the document ---------------------------------------
const spec = parseYaml(readFileSync(join(root, 'docs', 'openapi.yaml'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const SPEC_ID = 'https://liaison.invalid/openapi.json';
ajv.addSchema(spec, SPEC_ID);
const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const at = (ptr) => ptr.split('/').slice(1).reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);

let srv, admin, manager, partner;
const seen = new Map(); // "METHOD template" -> Set(status)
before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
  manager = await signedIn(srv.url, 'manager');
});
after(async () => { await srv?.stop(); });

// Sends the request and checks the answer against the document.
async function call(c, method, template, params, body, opts) {
  const path = template.replace(/\{(\w+)\}/g, (_, k) => params[k]) + (params.query || '');
  const r = await c.request(method, path, body, opts);
  const what = `${method} ${template} -> ${r.status}`;
  const op = spec.paths[template] && spec.paths[template][method.toLowerCase()];
  assert.ok(op, `${method} ${template} is documented`);
  let ptr = `/paths/${esc(template)}/${method.toLowerCase()}/responses/${r.status}`;
  let resp = op.responses[String(r.status)];
  assert.ok(resp, `${what}: status not documented (documented: ${Object.keys(op.responses).join(', ')}); body ${r.text}`);
  if (resp.$ref) { ptr = resp.$ref.slice(1); resp = at(ptr); }
  const key = `${method} ${template}`;
  if (!seen.has(key)) seen.set(key, new Set());
  seen.get(key).add(r.status);
  if (!resp.content) {
    assert.equal(r.text, '', `${what}: no body documented`);
    return r;
  }
  if (!resp.content['application/json']) {
    // A file (document downloads): its type must be one the document lists.
    const ct = (r.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
    const types = Object.keys(resp.content);
    const fits = (t) => t === ct || t === '*/*' || (t.endsWith('/*') && ct.startsWith(t.slice(0, -1)));
    assert.ok(types.some(fits), `${what}: Content-Type ${ct} is not documented (${types.join(', ')})`);
    for (const h of Object.keys(resp.headers || {})) assert.ok(r.headers.get(h), `${what}: documented header ${h} is missing`);
    return r;
  }
  assert.match(r.headers.get('content-type') || '', /^application\/json\b/i, what);
  assert.ok(r.json !== null, `${what}: a JSON body`);
  const validate = ajv.getSchema(`${SPEC_ID}#${ptr}/content/application~1json/schema`);
  assert.ok(validate(r.json), `${what}: body does not match the documented schema: ${ajv.errorsText(validate.errors)}\n${r.text}`);
  for (const h of Object.keys(resp.headers || {})) {
    if (h.toLowerCase() === 'set-cookie') continue;
    assert.ok(r.headers.get(h), `${what}: documented header ${h} is missing`);
  }
  return r;
}

test('every route answers as documented', async () => {
  const anon = new Client(srv.url);
  await call(anon, 'GET', '/healthz', {});

  // Session
  const s = new Client(srv.url);
  await call(s, 'POST', '/api/v1/session', {}, { email: 'clinician@test.local', password: 'correct horse battery staple' });
  s.csrf = (await s.get('/api/v1/me')).json.csrf_token;
  await call(anon, 'POST', '/api/v1/session', {}, { email: 'clinician@test.local', password: 'wrong' });
  await call(anon, 'POST', '/api/v1/session', {}, { email: 'clinician@test.local' });
  await call(anon, 'POST', '/api/v1/session', {}, '{"email":', { raw: true });
  await call(anon, 'POST', '/api/v1/session', {}, 'a=b', { raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await call(anon, 'POST', '/api/v1/session', {}, { email: 'x@y.z', password: 'p'.repeat(5000) });
  await call(s, 'GET', '/api/v1/me', {});
  await call(anon, 'GET', '/api/v1/me', {});
  await call(s, 'DELETE', '/api/v1/session', {}, undefined, { headers: { 'x-csrf-token': 'wrong' } });
  await call(s, 'DELETE', '/api/v1/session', {});
  await call(anon, 'DELETE', '/api/v1/session', {});

  // Users (admins) and one's own password
  const nu = (await call(admin, 'POST', '/api/v1/users', {}, { email: 'openapi-user@test.local', name: 'ليلى حداد', role: 'coordinator', password: 'a temporary password 1' })).json;
  await call(admin, 'POST', '/api/v1/users', {}, { email: 'openapi-user@test.local', name: 'x', role: 'coordinator', password: 'a temporary password 1' });
  await call(admin, 'POST', '/api/v1/users', {}, { email: 'x@test.local', name: 'x', role: 'boss', password: 'a temporary password 1' });
  await call(manager, 'POST', '/api/v1/users', {}, { email: 'y@test.local', name: 'y', role: 'admin', password: 'a temporary password 1' });
  await call(anon, 'POST', '/api/v1/users', {}, { email: 'y@test.local' });
  await call(admin, 'GET', '/api/v1/users/{id}', { id: nu.id });
  await call(admin, 'GET', '/api/v1/users/{id}', { id: 999999999 });
  await call(manager, 'GET', '/api/v1/users/{id}', { id: nu.id });
  await call(anon, 'GET', '/api/v1/users/{id}', { id: nu.id });
  await call(admin, 'PATCH', '/api/v1/users/{id}', { id: nu.id }, { role: 'manager', active: false });
  await call(admin, 'PATCH', '/api/v1/users/{id}', { id: nu.id }, { active: true, password: 'another temporary one' });
  await call(admin, 'PATCH', '/api/v1/users/{id}', { id: nu.id }, { role: 'boss' });
  await call(admin, 'PATCH', '/api/v1/users/{id}', { id: 999999999 }, { active: false });
  await call(manager, 'PATCH', '/api/v1/users/{id}', { id: nu.id }, { active: false });
  await call(anon, 'PATCH', '/api/v1/users/{id}', { id: nu.id }, { active: false });
  const adminId = (await admin.get('/api/v1/me')).json.user.id;
  await call(admin, 'PATCH', '/api/v1/users/{id}', { id: adminId }, { active: false });
  const pw = new Client(srv.url);
  await pw.signIn('openapi-user@test.local', 'another temporary one');
  await call(pw, 'GET', '/api/v1/me', {});
  await call(pw, 'PUT', '/api/v1/me/password', {}, { current_password: 'wrong password', new_password: 'my very own new password' });
  await call(pw, 'PUT', '/api/v1/me/password', {}, { current_password: 'another temporary one', new_password: 'my very own new password' });
  await call(pw, 'PUT', '/api/v1/me/password', {}, { current_password: 'x' }, { headers: { 'x-csrf-token': 'wrong' } });
  await call(anon, 'PUT', '/api/v1/me/password', {}, { current_password: 'x', new_password: 'y' });

  // Tokens
  const tok = await call(admin, 'POST', '/api/v1/tokens', {}, { name: 'تقرير', expires_in_days: 30 });
  await call(admin, 'POST', '/api/v1/tokens', {}, { name: '' });
  await call(anon, 'POST', '/api/v1/tokens', {}, { name: 'x' });
  const bearer = new Client(srv.url);
  bearer.bearer = tok.json.token;
  await call(bearer, 'GET', '/api/v1/me', {});

  // Partners
  partner = (await call(admin, 'POST', '/api/v1/partners', {}, {
    name: 'د. أحمد الغامدي', identifiers: [{ scheme: 'npi', value: '1234567893' }], address: { city: 'الرياض', country: 'SA' },
    languages: ['ar'], payers: ['Bupa Arabia'], in_network: true, taxonomy_code: '207RC0000X', email: 'a@b.example',
  })).json;
  await call(bearer, 'POST', '/api/v1/partners', {}, { name: 'Minimal' });
  await call(admin, 'POST', '/api/v1/partners', {}, { name: 'Other', identifiers: [{ scheme: 'npi', value: '1234567893' }] });
  await call(admin, 'POST', '/api/v1/partners', {}, { name: 'د. احمد الغامدي', address: { city: 'الرياض' } });
  await call(admin, 'POST', '/api/v1/partners', {}, { name: 'د. احمد الغامدي', address: { city: 'الرياض' }, confirm_duplicate: 1 });
  const twin = (await call(admin, 'POST', '/api/v1/partners', {}, { name: 'د. احمد الغامدي', address: { city: 'الرياض' }, confirm_duplicate: true })).json;
  await call(admin, 'PATCH', '/api/v1/partners/{id}', { id: twin.id }, { identifiers: [{ scheme: 'npi', value: '1234567893' }] });
  await call(admin, 'POST', '/api/v1/partners', {}, { name: 'x', colour: 'red' });
  await call(admin, 'POST', '/api/v1/partners', {}, '{', { raw: true });
  await call(admin, 'POST', '/api/v1/partners', {}, { name: 'x' }, { headers: { 'x-csrf-token': 'wrong' } });
  await call(admin, 'POST', '/api/v1/partners', {}, { name: 'x', notes: 'n'.repeat(70000) });
  await call(admin, 'POST', '/api/v1/partners', {}, 'name=x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(anon, 'POST', '/api/v1/partners', {}, { name: 'x' });
  await call(admin, 'GET', '/api/v1/partners', { query: '?q=احمد&limit=10' });
  await call(admin, 'GET', '/api/v1/partners', { query: '?limit=1' });
  await call(admin, 'GET', '/api/v1/partners', { query: '?limit=0' });
  await call(anon, 'GET', '/api/v1/partners', {});
  await call(admin, 'GET', '/api/v1/partners/{id}', { id: partner.id });
  await call(admin, 'GET', '/api/v1/partners/{id}', { id: 999999999 });
  await call(admin, 'PATCH', '/api/v1/partners/{id}', { id: partner.id }, { stage: 'meeting', notes: null });
  await call(admin, 'PATCH', '/api/v1/partners/{id}', { id: partner.id }, { address: { city: 1 } });
  await call(admin, 'PATCH', '/api/v1/partners/{id}', { id: 999999999 }, { notes: 'x' });

  // Contacts
  const ct = (await call(admin, 'POST', '/api/v1/partners/{id}/contacts', { id: partner.id }, { name: 'نورة القحطاني', role: 'office_manager' })).json;
  await call(admin, 'POST', '/api/v1/partners/{id}/contacts', { id: partner.id }, { role: 'nurse' });
  await call(admin, 'POST', '/api/v1/partners/{id}/contacts', { id: 999999999 }, { name: 'x' });
  await call(admin, 'GET', '/api/v1/partners/{id}/contacts', { id: partner.id });
  await call(admin, 'GET', '/api/v1/partners/{id}/contacts', { id: 999999999 });
  await call(admin, 'GET', '/api/v1/contacts/{id}', { id: ct.id });
  await call(admin, 'PATCH', '/api/v1/contacts/{id}', { id: ct.id }, { preferred_channel: 'email' });
  await call(admin, 'PATCH', '/api/v1/contacts/{id}', { id: ct.id }, { role: 'surgeon' });
  await call(admin, 'DELETE', '/api/v1/contacts/{id}', { id: ct.id });
  await call(admin, 'GET', '/api/v1/contacts/{id}', { id: ct.id });
  await call(admin, 'DELETE', '/api/v1/contacts/{id}', { id: ct.id });

  // Referrals, appointments, documents, patients, worklist
  const coordC = await signedIn(srv.url, 'coordinator');
  const clinC = await signedIn(srv.url, 'clinician');
  const liaisonC = await signedIn(srv.url, 'liaison');
  const rp = (await call(admin, 'POST', '/api/v1/partners', {}, { name: 'Riyadh Heart Centre', specialty: 'Cardiology' })).json;
  const refBody = (over = {}) => ({ direction: 'outbound', partner_id: rp.id,
    patient: { mrn: 'OA-1', given: 'ليلى', family: 'حداد', birth_date: '1970-04-02', sex: 'female', language: 'ar', payer: 'Bupa' },
    urgency: 'urgent', reason: 'ألم في الصدر', diagnoses: ['E119'], packet: { history: 'Diabetes' }, ...over });
  const out = (await call(coordC, 'POST', '/api/v1/referrals', {}, refBody())).json;
  const inb = (await call(coordC, 'POST', '/api/v1/referrals', {}, refBody({ direction: 'inbound', sent_at: '2026-01-05T08:00:00Z' }))).json;
  await call(coordC, 'POST', '/api/v1/referrals', {}, refBody({ patient: { given: 'x' } }));
  await call(coordC, 'POST', '/api/v1/referrals', {}, refBody({ diagnoses: ['XYZ'] }));
  await call(coordC, 'POST', '/api/v1/referrals', {}, '{"direction":', { raw: true });
  await call(coordC, 'POST', '/api/v1/referrals', {}, 'direction=outbound', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(coordC, 'POST', '/api/v1/referrals', {}, refBody({ reason: 'r'.repeat(270000) }));
  await call(manager, 'POST', '/api/v1/referrals', {}, refBody());
  await call(anon, 'POST', '/api/v1/referrals', {}, refBody());
  await call(coordC, 'GET', '/api/v1/referrals', { query: `?partner_id=${rp.id}` });
  await call(liaisonC, 'GET', '/api/v1/referrals', { query: '?limit=1' });
  await call(coordC, 'GET', '/api/v1/referrals', { query: '?overdue=true&direction=inbound' });
  await call(coordC, 'GET', '/api/v1/referrals', { query: '?status=bogus' });
  await call(anon, 'GET', '/api/v1/referrals', {});
  await call(coordC, 'GET', '/api/v1/referrals/{id}', { id: out.id });
  await call(clinC, 'GET', '/api/v1/referrals/{id}', { id: inb.id });
  await call(liaisonC, 'GET', '/api/v1/referrals/{id}', { id: out.id });
  await call(coordC, 'GET', '/api/v1/referrals/{id}', { id: 999999999 });
  await call(anon, 'GET', '/api/v1/referrals/{id}', { id: out.id });
  await call(coordC, 'PATCH', '/api/v1/referrals/{id}', { id: out.id }, { packet: { medications: 'Metformin' }, diagnoses: ['E11.9', 'I20.9'] });
  await call(coordC, 'PATCH', '/api/v1/referrals/{id}', { id: out.id }, { direction: 'inbound' });
  await call(coordC, 'PATCH', '/api/v1/referrals/{id}', { id: 999999999 }, { reason: 'x' });
  await call(manager, 'PATCH', '/api/v1/referrals/{id}', { id: out.id }, { reason: 'x' });
  const coordId = (await coordC.get('/api/v1/me')).json.user.id, clinId = (await clinC.get('/api/v1/me')).json.user.id;
  await call(manager, 'PUT', '/api/v1/referrals/{id}/assignment', { id: out.id }, { assignee_id: coordId, receiving_clinician_id: clinId });
  await call(coordC, 'PUT', '/api/v1/referrals/{id}/assignment', { id: out.id }, { assignee_id: clinId });
  await call(coordC, 'PUT', '/api/v1/referrals/{id}/assignment', { id: out.id }, { receiving_clinician_id: coordId });
  await call(coordC, 'PUT', '/api/v1/referrals/{id}/assignment', { id: out.id }, {});
  await call(coordC, 'PUT', '/api/v1/referrals/{id}/assignment', { id: 999999999 }, { assignee_id: null });
  await call(liaisonC, 'PUT', '/api/v1/referrals/{id}/assignment', { id: out.id }, { assignee_id: null });
  await call(coordC, 'GET', '/api/v1/referrals', { query: `?assignee_id=${clinId}&receiving_clinician_id=${clinId}` });
  await call(coordC, 'GET', '/api/v1/referrals', { query: '?assignee_id=none' });
  await call(coordC, 'GET', '/api/v1/referrals', { query: '?assignee_id=nobody' });
  await call(coordC, 'GET', '/api/v1/referrals/{id}', { id: out.id });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: out.id }, { to: 'sent' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: out.id }, { to: 'sent', override_completeness: true });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: out.id }, { to: 'completed', note: 'x' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: inb.id }, { to: 'accepted' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: 999999999 }, { to: 'sent' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: out.id }, '{', { raw: true });
  await call(clinC, 'POST', '/api/v1/referrals/{id}/transitions', { id: inb.id }, { to: 'accepted', note: 'Yes' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: out.id }, { to: 'accepted' });
  const appt = (await call(coordC, 'POST', '/api/v1/referrals/{id}/appointments', { id: out.id },
    { starts_at: '2030-01-02T09:30:00Z', location: 'Clinic 4', note: 'Bring ECGs' })).json;
  await call(coordC, 'POST', '/api/v1/referrals/{id}/appointments', { id: out.id }, { starts_at: 'tomorrow' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/appointments', { id: 999999999 }, { starts_at: '2030-01-02T09:30:00Z' });
  await call(manager, 'POST', '/api/v1/referrals/{id}/appointments', { id: out.id }, { starts_at: '2030-01-02T09:30:00Z' });
  await call(coordC, 'PATCH', '/api/v1/appointments/{id}', { id: appt.id }, { status: 'rescheduled', starts_at: '2030-01-03T09:30:00Z' });
  await call(coordC, 'PATCH', '/api/v1/appointments/{id}', { id: appt.id }, { status: 'attended' });
  await call(coordC, 'PATCH', '/api/v1/appointments/{id}', { id: appt.id }, { status: 'no_show' });
  await call(coordC, 'PATCH', '/api/v1/appointments/{id}', { id: appt.id }, { status: 'booked' });
  await call(coordC, 'PATCH', '/api/v1/appointments/{id}', { id: 999999999 }, { status: 'attended' });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/transitions', { id: out.id }, { to: 'completed', note: 'Stable angina' });
  await call(coordC, 'PATCH', '/api/v1/referrals/{id}', { id: out.id }, { reason: 'too late' });
  await call(coordC, 'PUT', '/api/v1/referrals/{id}/assignment', { id: out.id }, { assignee_id: null });
  await call(coordC, 'POST', '/api/v1/referrals/{id}/appointments', { id: out.id }, { starts_at: '2030-01-02T09:30:00Z' });
  const raw = (b, type) => ({ raw: true, headers: { 'content-type': type } });
  const doc = (await call(coordC, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id, query: '?filename=ecg.pdf' },
    Buffer.from('%PDF-1.7\n'), raw(0, 'application/pdf'))).json;
  const boundary = 'liaisonOpenapiBoundary';
  const mp = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.png"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--${boundary}--\r\n`);
  await call(coordC, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id }, mp, raw(0, `multipart/form-data; boundary=${boundary}`));
  await call(coordC, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id }, Buffer.from('garbage'), raw(0, `multipart/form-data; boundary=${boundary}`));
  await call(coordC, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id }, Buffer.from('x'), raw(0, 'text/plain'));
  await call(coordC, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id, query: '?filename=big.bin' }, Buffer.alloc(11 * 1024 * 1024), raw(0, 'application/octet-stream'));
  await call(coordC, 'POST', '/api/v1/referrals/{id}/documents', { id: 999999999, query: '?filename=x.txt' }, Buffer.from('x'), raw(0, 'text/plain'));
  await call(liaisonC, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id, query: '?filename=x.txt' }, Buffer.from('x'), raw(0, 'text/plain'));
  await call(anon, 'POST', '/api/v1/referrals/{id}/documents', { id: out.id, query: '?filename=x.txt' }, Buffer.from('x'), raw(0, 'text/plain'));
  await call(coordC, 'GET', '/api/v1/referrals/{id}/documents', { id: out.id });
  await call(coordC, 'GET', '/api/v1/referrals/{id}/documents', { id: 999999999 });
  await call(liaisonC, 'GET', '/api/v1/referrals/{id}/documents', { id: out.id });
  await call(coordC, 'GET', '/api/v1/documents/{id}', { id: doc.id });
  await call(coordC, 'GET', '/api/v1/documents/{id}', { id: 999999999 });
  await call(liaisonC, 'GET', '/api/v1/documents/{id}', { id: doc.id });
  await call(anon, 'GET', '/api/v1/documents/{id}', { id: doc.id });
  await call(coordC, 'GET', '/api/v1/patients', { query: `?q=${encodeURIComponent('حداد')}` });
  await call(coordC, 'GET', '/api/v1/patients', { query: '?limit=0' });
  await call(liaisonC, 'GET', '/api/v1/patients', {});
  await call(coordC, 'GET', '/api/v1/patients/{id}', { id: out.patient.id });
  await call(coordC, 'GET', '/api/v1/patients/{id}', { id: 999999999 });
  await call(liaisonC, 'GET', '/api/v1/patients/{id}', { id: out.patient.id });
  await call(coordC, 'GET', '/api/v1/worklist', {});
  await call(liaisonC, 'GET', '/api/v1/worklist', {});
  await call(anon, 'GET', '/api/v1/worklist', {});
  const sla = (await call(coordC, 'GET', '/api/v1/settings/service-levels', {})).json;
  await call(anon, 'GET', '/api/v1/settings/service-levels', {});
  await call(admin, 'PUT', '/api/v1/settings/service-levels', {}, sla);
  await call(admin, 'PUT', '/api/v1/settings/service-levels', {}, { ...sla, weekdays: ['someday'] });
  await call(admin, 'PUT', '/api/v1/settings/service-levels', {}, '{', { raw: true });
  await call(coordC, 'PUT', '/api/v1/settings/service-levels', {}, sla);
  await call(anon, 'PUT', '/api/v1/settings/service-levels', {}, sla);
  await call(coordC, 'GET', '/api/v1/settings/checklists', {});
  await call(anon, 'GET', '/api/v1/settings/checklists', {});
  await call(admin, 'PUT', '/api/v1/settings/checklists', {}, { specialty: 'Nephrology', checklist: { required: ['reason', 'results'], weights: { results: 3 } } });
  await call(admin, 'PUT', '/api/v1/settings/checklists', {}, { specialty: 'Nephrology', checklist: { required: ['vibes'] } });
  await call(admin, 'PUT', '/api/v1/settings/checklists', {}, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(admin, 'PUT', '/api/v1/settings/checklists', {}, { specialty: 'x', checklist: { required: [] }, pad: 'p'.repeat(70000) });
  await call(manager, 'PUT', '/api/v1/settings/checklists', {}, { specialty: 'x', checklist: { required: [] } });
  const cad = (await call(coordC, 'GET', '/api/v1/settings/cadence', {})).json;
  await call(anon, 'GET', '/api/v1/settings/cadence', {});
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, { ...cad, meeting: 7 });
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, { ...cad, meeting: 400 });
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, { ...cad, lost: 5 });
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, '{', { raw: true });
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, { ...cad, pad: 'p'.repeat(5000) });
  await call(coordC, 'PUT', '/api/v1/settings/cadence', {}, cad);
  await call(anon, 'PUT', '/api/v1/settings/cadence', {}, cad);
  await call(admin, 'PUT', '/api/v1/settings/cadence', {}, cad);

  // Users (owner selectors)
  await call(liaisonC, 'GET', '/api/v1/users', {});
  await call(admin, 'GET', '/api/v1/users', { query: '?limit=2' });
  await call(admin, 'GET', '/api/v1/users', { query: '?role=partner' });
  await call(manager, 'GET', '/api/v1/users', { query: '?role=chief' });
  await call(manager, 'GET', '/api/v1/users', { query: '?cursor=abc' });
  await call(coordC, 'GET', '/api/v1/codes/icd10', { query: '?q=e119' });
  await call(liaisonC, 'GET', '/api/v1/codes/icd10', { query: '?limit=2' });
  await call(manager, 'GET', '/api/v1/codes/icd10', { query: '?limit=0' });
  await call(anon, 'GET', '/api/v1/users', {});

  // Relationships: interactions, goals, commitments, relationship, timeline, worklist
  const lp = (await call(liaisonC, 'POST', '/api/v1/partners', {}, { name: 'عيادة الشفاء', checkin_days: 1 })).json;
  const lct = (await call(liaisonC, 'POST', '/api/v1/partners/{id}/contacts', { id: lp.id }, { name: 'Sara' })).json;
  const past = (h) => new Date(Date.now() - h * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const ix = (await call(liaisonC, 'POST', '/api/v1/interactions', {}, { partner_id: lp.id, contact_id: lct.id, kind: 'call',
    direction: 'outbound', occurred_at: past(48), summary: 'اتصال', follow_up_at: past(24), awaiting: 'them' })).json;
  await call(liaisonC, 'POST', '/api/v1/interactions', {}, { partner_id: lp.id, kind: 'email', direction: 'inbound', summary: 'x', follow_up_at: past(72), occurred_at: past(48) });
  await call(liaisonC, 'POST', '/api/v1/interactions', {}, { partner_id: rp.id, kind: 'email', direction: 'inbound', summary: 'x' });
  await call(clinC, 'POST', '/api/v1/interactions', {}, { partner_id: lp.id, kind: 'email', direction: 'inbound', summary: 'x' });
  await call(liaisonC, 'POST', '/api/v1/interactions', {}, '{', { raw: true });
  await call(liaisonC, 'POST', '/api/v1/interactions', {}, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(liaisonC, 'POST', '/api/v1/interactions', {}, { partner_id: lp.id, kind: 'call', direction: 'outbound', summary: 's'.repeat(20000) });
  await call(anon, 'POST', '/api/v1/interactions', {}, { partner_id: lp.id });
  await call(liaisonC, 'GET', '/api/v1/interactions', { query: `?partner_id=${lp.id}&kind=call` });
  await call(liaisonC, 'GET', '/api/v1/interactions', { query: '?kind=telegram' });
  await call(anon, 'GET', '/api/v1/interactions', {});
  await call(liaisonC, 'PATCH', '/api/v1/interactions/{id}', { id: ix.id }, { responded_at: past(40), summary: 'اتصال ثانٍ' });
  await call(liaisonC, 'PATCH', '/api/v1/interactions/{id}', { id: ix.id }, { follow_up_at: past(100) });
  await call(liaisonC, 'PATCH', '/api/v1/interactions/{id}', { id: 999999999 }, { summary: 'x' });
  await call(clinC, 'PATCH', '/api/v1/interactions/{id}', { id: ix.id }, { summary: 'x' });
  await call(liaisonC, 'PATCH', '/api/v1/interactions/{id}', { id: ix.id }, '{', { raw: true });
  await call(liaisonC, 'PATCH', '/api/v1/interactions/{id}', { id: ix.id }, { summary: 's'.repeat(20000) });
  await call(liaisonC, 'PATCH', '/api/v1/interactions/{id}', { id: ix.id }, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(liaisonC, 'GET', '/api/v1/interactions/{id}', { id: ix.id });
  await call(liaisonC, 'GET', '/api/v1/interactions/{id}', { id: 999999999 });
  await call(anon, 'GET', '/api/v1/interactions/{id}', { id: ix.id });
  const goal = (await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: lp.id }, { side: 'shared', title: 'هدف', target_on: '2030-01-01' })).json;
  await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: lp.id }, { side: 'everyone', title: 'x' });
  await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: 999999999 }, { side: 'ours', title: 'x' });
  await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: rp.id }, { side: 'ours', title: 'x' });
  await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: lp.id }, '{', { raw: true });
  await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: lp.id }, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(liaisonC, 'POST', '/api/v1/partners/{id}/goals', { id: lp.id }, { side: 'ours', title: 'x', notes: 'n'.repeat(20000) });
  await call(anon, 'POST', '/api/v1/partners/{id}/goals', { id: lp.id }, { side: 'ours', title: 'x' });
  await call(liaisonC, 'GET', '/api/v1/partners/{id}/goals', { id: lp.id });
  await call(liaisonC, 'GET', '/api/v1/partners/{id}/goals', { id: 999999999 });
  await call(anon, 'GET', '/api/v1/partners/{id}/goals', { id: lp.id });
  await call(liaisonC, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, { status: 'met', notes: null });
  await call(liaisonC, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, { status: 'won' });
  await call(liaisonC, 'PATCH', '/api/v1/goals/{id}', { id: 999999999 }, { status: 'met' });
  await call(clinC, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, { status: 'met' });
  await call(liaisonC, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, '{', { raw: true });
  await call(liaisonC, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, { notes: 'n'.repeat(20000) });
  await call(liaisonC, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(anon, 'PATCH', '/api/v1/goals/{id}', { id: goal.id }, { status: 'met' });
  const cm = (await call(liaisonC, 'POST', '/api/v1/commitments', {}, { partner_id: lp.id, title: 'Send the form', due_on: '2030-01-01', goal_id: goal.id })).json;
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, { partner_id: lp.id, title: 'Call back', due_on: new Date().toISOString().slice(0, 10), promised_by: 'partner' });
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, { partner_id: lp.id, title: 'x', due_on: 'soon' });
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, { partner_id: lp.id, title: 'x', due_on: '2030-01-01', referral_id: out.id });
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, { partner_id: rp.id, title: 'x', due_on: '2030-01-01' });
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, '{', { raw: true });
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(liaisonC, 'POST', '/api/v1/commitments', {}, { partner_id: lp.id, title: 't'.repeat(20000), due_on: '2030-01-01' });
  await call(anon, 'POST', '/api/v1/commitments', {}, { partner_id: lp.id, title: 'x', due_on: '2030-01-01' });
  await call(liaisonC, 'GET', '/api/v1/commitments', { query: `?partner_id=${lp.id}&overdue=true` });
  await call(liaisonC, 'GET', '/api/v1/commitments', { query: '?status=maybe' });
  await call(anon, 'GET', '/api/v1/commitments', {});
  await call(liaisonC, 'GET', '/api/v1/worklist', {});
  await call(manager, 'GET', '/api/v1/worklist', { query: `?owner_id=${ix.user_id}` });
  await call(liaisonC, 'GET', '/api/v1/worklist', { query: `?owner_id=${ix.user_id + 1000}` });
  await call(manager, 'GET', '/api/v1/worklist', { query: '?owner_id=abc' });
  await call(manager, 'GET', '/api/v1/reliability', { query: `?owner_id=${ix.user_id}` });
  await call(manager, 'GET', '/api/v1/reliability', { query: `?partner_id=${lp.id}` });
  await call(manager, 'GET', '/api/v1/reliability', { query: '' });
  await call(anon, 'GET', '/api/v1/reliability', { query: `?owner_id=${ix.user_id}` });
  await call(manager, 'GET', '/api/v1/analytics/volume', { query: `?partner_id=${lp.id}` });
  await call(manager, 'GET', '/api/v1/analytics/volume', { query: '?specialty=Cardiology&from=2025-01&to=2026-12' });
  await call(manager, 'GET', '/api/v1/analytics/volume', { query: '?from=2026-13' });
  await call(manager, 'GET', '/api/v1/analytics/volume', { query: '?partner_id=999999999' });
  await call(anon, 'GET', '/api/v1/analytics/volume', {});
  await call(liaisonC, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, { status: 'done' });
  await call(liaisonC, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, { status: 'kept' });
  await call(liaisonC, 'PATCH', '/api/v1/commitments/{id}', { id: 999999999 }, { status: 'done' });
  await call(clinC, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, { status: 'done' });
  await call(liaisonC, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, '{', { raw: true });
  await call(liaisonC, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, { title: 't'.repeat(20000) });
  await call(liaisonC, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(anon, 'PATCH', '/api/v1/commitments/{id}', { id: cm.id }, { status: 'done' });
  await call(liaisonC, 'PATCH', '/api/v1/partners/{id}', { id: lp.id }, { stage: 'contacted' });
  await call(liaisonC, 'GET', '/api/v1/partners/{id}/relationship', { id: lp.id });
  await call(clinC, 'GET', '/api/v1/partners/{id}/relationship', { id: rp.id });
  await call(liaisonC, 'GET', '/api/v1/partners/{id}/relationship', { id: 999999999 });
  await call(anon, 'GET', '/api/v1/partners/{id}/relationship', { id: lp.id });
  await call(liaisonC, 'GET', '/api/v1/partners/{id}/timeline', { id: lp.id });
  await call(coordC, 'GET', '/api/v1/partners/{id}/timeline', { id: rp.id });
  await call(liaisonC, 'GET', '/api/v1/partners/{id}/timeline', { id: 999999999 });
  await call(anon, 'GET', '/api/v1/partners/{id}/timeline', { id: lp.id });

  // Archive, then the audit log
  await call(admin, 'DELETE', '/api/v1/partners/{id}', { id: partner.id });
  await call(admin, 'DELETE', '/api/v1/partners/{id}', { id: 999999999 });
  // Restore (and the refusals), then archive again for what follows.
  await call(clinC, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, {});
  await call(anon, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, {});
  await call(admin, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, '{', { raw: true });
  await call(admin, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, 'x', { raw: true, headers: { 'content-type': 'text/plain' } });
  await call(admin, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, { pad: 'p'.repeat(400) });
  await call(admin, 'POST', '/api/v1/partners/{id}/restore', { id: 999999999 }, {});
  await call(admin, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, {});
  await call(admin, 'POST', '/api/v1/partners/{id}/restore', { id: partner.id }, {});
  await call(admin, 'DELETE', '/api/v1/partners/{id}', { id: partner.id });
  await call(admin, 'GET', '/api/v1/partners', { query: '?archived=true' });
  await call(admin, 'GET', '/api/v1/audit', {});
  await call(admin, 'GET', '/api/v1/audit', { query: `?record_type=partner&record_id=${partner.id}&limit=5` });
  await call(admin, 'GET', '/api/v1/audit', { query: '?limit=abc' });
  await call(manager, 'GET', '/api/v1/audit', {});
  await call(anon, 'GET', '/api/v1/audit', {});

  // Every documented operation was exercised.
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const m of ['get', 'post', 'patch', 'put', 'delete']) {
      if (item[m]) assert.ok(seen.has(`${m.toUpperCase()} ${path}`), `${m.toUpperCase()} ${path} was not exercised`);
    }
  }
});

test('405 answers carry the documented error body and Allow', async () => {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/Error`);
  for (const [path, item] of Object.entries(spec.paths)) {
    const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].filter((m) => item[m.toLowerCase()]);
    const missing = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].find((m) => !methods.includes(m));
    const r = await admin.request(missing, path.replace('{id}', '1'));
    assert.equal(r.status, 405, `${missing} ${path}: ${r.text}`);
    assert.ok(validate(r.json), `${missing} ${path}: ${ajv.errorsText(validate.errors)}`);
    assert.equal(r.json.error.code, 'method_not_allowed');
    const allow = (r.headers.get('allow') || '').split(',').map((x) => x.trim().toUpperCase());
    for (const m of methods) assert.ok(allow.includes(m), `${path}: Allow ${r.headers.get('allow')} lacks ${m}`);
  }
});
