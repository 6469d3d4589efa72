// The route table's policy, walked row by row from `liaison help routes`:
// every route refuses a signed-out caller (401) and every role that lacks
// the row's permission (403, from `liaison help roles`), and none of those
// refusals changes a stored row. Then the declared query parameters: an
// unknown, repeated or malformed one is a 422 naming it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, signedIn, addUser, cli, isPostgres, Client } from '../lib/server.mjs';

let srv, admin;
const ids = {};
const ROLES = ['admin', 'manager', 'liaison', 'coordinator', 'clinician', 'partner'];

function routes() {
  const r = cli(['help', 'routes']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => {
    const [method, pattern, perm, policy] = l.split(/\s+/);
    return { method, pattern, perm, policy };
  });
}

function roles() {
  const r = cli(['help', 'roles']);
  assert.equal(r.status, 0, r.stderr);
  const out = {};
  for (const l of r.stdout.trim().split('\n')) {
    const [name, ...perms] = l.split(/\s+/);
    out[name] = new Set(perms);
  }
  return out;
}

// Every stored row but the sign-in bookkeeping and the audit log (refusals
// may be recorded there), as text.
function snapshot(db) {
  const skip = ['sessions', 'signin_failures', 'audit_log'];
  if (isPostgres(db)) {
    const args = ['--data-only', '--no-owner', ...skip.flatMap((t) => ['-T', t]), '-d', db];
    const r = spawnSync('pg_dump', args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.replace(/^--.*$/gm, '').replace(/^\\(un)?restrict .*$/gm, '');
  }
  const r = spawnSync('sqlite3', ['-readonly', db, '.dump'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => !skip.some((t) => l.startsWith(`INSERT INTO ${t} `))).join('\n');
}

// A path for a pattern: {id} becomes an existing record of the kind named
// before it, so a route could succeed if the policy let it.
function pathOf(pattern) {
  return pattern.replace(/\/([a-z-]+)\/\{id\}/g, (m, kind) => `/${kind}/${ids[kind] ?? 1}`);
}

async function call(client, r) {
  const path = pathOf(r.pattern);
  if (r.method === 'GET' || r.method === 'DELETE') return client.request(r.method, path);
  if (/documents$/.test(r.pattern)) {
    return client.request(r.method, `${path}?filename=x.txt`, 'hello', { raw: true, headers: { 'content-type': 'text/plain' } });
  }
  return client.request(r.method, path, {});
}

before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
  const p = await admin.post('/api/v1/partners', { name: 'Route Walk Practice', kind: 'practice' });
  assert.equal(p.status, 201, p.text);
  ids.partners = p.json.id;
  addUser(srv.db, 'partner', 'partner@test.local', { partner: p.json.id });
  const c = await admin.post(`/api/v1/partners/${p.json.id}/contacts`, { name: 'Route Walk Contact' });
  assert.equal(c.status, 201, c.text);
  ids.contacts = c.json.id;
  const ref = await admin.post('/api/v1/referrals', {
    direction: 'outbound', partner_id: p.json.id, urgency: 'routine',
    patient: { mrn: 'RW-1', given: 'Rana', family: 'Walker', birth_date: '1970-01-02' },
    reason: 'Chest pain on exertion', diagnoses: ['I20.9'],
  });
  assert.equal(ref.status, 201, ref.text);
  ids.referrals = ref.json.id;
  ids.patients = ref.json.patient.id;
  const g = await admin.post(`/api/v1/partners/${p.json.id}/goals`, { side: 'ours', title: 'Quarterly review' });
  assert.equal(g.status, 201, g.text);
  ids.goals = g.json.id;
  const cm = await admin.post('/api/v1/commitments', { partner_id: p.json.id, title: 'Send the report', due_on: '2099-01-01' });
  assert.equal(cm.status, 201, cm.text);
  ids.commitments = cm.json.id;
  const i = await admin.post('/api/v1/interactions', { partner_id: p.json.id, kind: 'call', direction: 'outbound', summary: 'Intro call' });
  assert.equal(i.status, 201, i.text);
  ids.interactions = i.json.id;
  const d = await admin.request('POST', `/api/v1/referrals/${ids.referrals}/documents?filename=note.txt`, 'note', { raw: true, headers: { 'content-type': 'text/plain' } });
  assert.equal(d.status, 201, d.text);
  ids.documents = d.json.id;
});
after(async () => { await srv?.stop(); });

test('every route refuses a signed-out caller and every role without its permission, changing nothing', async () => {
  const table = routes(), perms = roles();
  assert.ok(table.length > 40, 'help routes lists the route table');
  assert.deepEqual(Object.keys(perms).sort(), [...ROLES].sort());
  const clients = {};
  for (const role of ROLES) clients[role] = await signedIn(srv.url, role);
  const before = snapshot(srv.db);
  let refusals = 0;
  for (const r of table) {
    if (r.perm === 'public') continue;
    const out = await call(new Client(srv.url), r);
    assert.equal(out.status, 401, `${r.method} ${r.pattern} signed out: ${out.text}`);
    assert.equal(out.json?.error?.code, 'unauthenticated', `${r.method} ${r.pattern}`);
    refusals++;
    for (const role of ROLES) {
      if (perms[role].has(r.perm)) continue;
      const res = await call(clients[role], r);
      assert.equal(res.status, 403, `${r.method} ${r.pattern} as ${role}: ${res.text}`);
      assert.equal(res.json?.error?.code, 'forbidden', `${r.method} ${r.pattern} as ${role}`);
      refusals++;
    }
  }
  assert.ok(refusals > 100, `walked ${refusals} refusals`);
  assert.equal(snapshot(srv.db), before, 'a refused request changed stored rows');
});

test('declared query parameters: unknown, repeated and malformed ones are 422 naming them', async () => {
  const cases = [
    ['/api/v1/partners?nope=1', 'nope'],
    ['/api/v1/me?x=1', 'x'],
    ['/api/v1/partners?limit=0', 'limit'],
    ['/api/v1/partners?limit=501', 'limit'],
    ['/api/v1/partners?limit=ten', 'limit'],
    ['/api/v1/partners?limit=+5', 'limit'],
    ['/api/v1/partners?owner_id=-1', 'owner_id'],
    ['/api/v1/partners?stage=ready', 'stage'],
    ['/api/v1/partners?archived=yes', 'archived'],
    ['/api/v1/partners?q=a&q=b', 'q'],
    ['/api/v1/partners?cursor', 'cursor'],
    [`/api/v1/partners?q=${'ب'.repeat(201)}`, 'q'],
    ['/api/v1/partners?q=%FF', 'q'],
    ['/api/v1/referrals?status=lost', 'status'],
    ['/api/v1/analytics/volume?from=2026-13', 'from'],
  ];
  for (const [path, field] of cases) {
    const r = await admin.get(path);
    assert.equal(r.status, 422, `${path}: ${r.text}`);
    assert.equal(r.json?.error?.code, 'validation_failed', path);
    assert.equal(r.json?.error?.field, field, path);
  }
  // What is declared and well-formed is accepted; an empty text is no filter.
  for (const path of ['/api/v1/partners?q=&limit=500&archived=false', `/api/v1/partners?q=${encodeURIComponent('رعاية')}`,
    '/api/v1/referrals?status=sent&direction=inbound&overdue=true', '/api/v1/analytics/volume?from=2025-01&to=2026-11']) {
    const r = await admin.get(path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
  }
});

test('a write route runs in one transaction: a refused change leaves nothing behind', async () => {
  const before = snapshot(srv.db);
  // An owner that names no user is refused after the record was merged.
  const r = await admin.patch(`/api/v1/partners/${ids.partners}`, { name: 'Renamed', owner_id: 999999 });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'owner_id');
  // A scoped record that does not exist is the router's 404, inside the transaction.
  for (const [method, path] of [['PATCH', '/api/v1/partners/999999'], ['PATCH', '/api/v1/contacts/999999'],
    ['PATCH', '/api/v1/goals/999999'], ['PATCH', '/api/v1/commitments/999999'], ['PATCH', '/api/v1/interactions/999999']]) {
    const res = await admin.request(method, path, { name: 'x' });
    assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
  }
  assert.equal(snapshot(srv.db), before);
});

test('the error dialect follows the route group: /api answers {"error":…}, /fhir an OperationOutcome', async () => {
  const api = await admin.get('/api/v1/nothing-here');
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type'), /^application\/json/);
  assert.equal(api.json.error.code, 'not_found');
  for (const path of ['/fhir/R4/Nothing', `/fhir/R4/${encodeURIComponent('مريض')}`, '/fhir/R4/%FF']) {
    const r = await admin.get(path);
    assert.equal(r.status, 404, path);
    assert.match(r.headers.get('content-type'), /^application\/fhir\+json/, path);
    assert.equal(r.json.resourceType, 'OperationOutcome', `${path}: ${r.text}`);
    assert.equal(r.json.issue.length, 1);
    assert.equal(r.json.issue[0].severity, 'error');
    assert.equal(r.json.issue[0].code, 'not-found');
    assert.equal(r.json.issue[0].details.text, 'not_found');
    assert.ok(r.json.issue[0].diagnostics.length > 0);
  }
  // The same path outside both groups is the web UI's (a static file or its page).
  const page = await new Client(srv.url).get('/fhirx');
  assert.notEqual(page.headers.get('content-type'), 'application/fhir+json; charset=utf-8');
});
