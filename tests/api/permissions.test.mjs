// The role table of docs/api.md: partners.read, partners.write, tokens.create
// and audit.read for each role, 401 without sign-in, 403 forbidden without the
// permission — and a refused request changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, signedIn, addUser, STAFF_ROLES } from '../lib/server.mjs';

let srv, admin, partner, contact;
const ALLOWED = {
  admin: { read: true, write: true, tokens: true, audit: true },
  manager: { read: true, write: true, tokens: true, audit: false },
  liaison: { read: true, write: true, tokens: true, audit: false },
  coordinator: { read: true, write: true, tokens: true, audit: false },
  clinician: { read: true, write: false, tokens: true, audit: false },
  partner: { read: false, write: false, tokens: false, audit: false },
};
const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

before(async () => {
  srv = await startServer();
  admin = await signedIn(srv.url, 'admin');
  const p = await admin.post('/api/v1/partners', { name: 'Permissions Partner Practice', kind: 'practice' });
  assert.equal(p.status, 201, p.text);
  partner = p.json;
  const c = await admin.post(`/api/v1/partners/${partner.id}/contacts`, { name: 'Permissions Contact' });
  assert.equal(c.status, 201, c.text);
  contact = c.json;
  addUser(srv.db, 'partner', 'partner@test.local', { partner: partner.id });
});
after(async () => { await srv?.stop(); });

async function namesLike(prefix) {
  const r = await admin.get(`/api/v1/partners?q=${encodeURIComponent(prefix)}&limit=500`);
  assert.equal(r.status, 200);
  const a = await admin.get(`/api/v1/partners?q=${encodeURIComponent(prefix)}&limit=500&archived=true`);
  return [...r.json.items, ...a.json.items].map((p) => p.name).filter((n) => n.startsWith(prefix));
}

function expect(r, allowed, okStatus, what) {
  if (allowed) {
    assert.equal(r.status, okStatus, `${what}: expected ${okStatus}, got ${r.status} ${r.text}`);
  } else {
    assert.equal(r.status, 403, `${what}: expected 403, got ${r.status} ${r.text}`);
    assert.equal(errorCode(r), 'forbidden', what);
  }
}

for (const role of [...STAFF_ROLES, 'partner']) {
  test(`role ${role}`, async () => {
    const may = ALLOWED[role];
    const c = await signedIn(srv.url, role);
    const me = await c.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.user.role, role);
    assert.equal(me.json.user.partner_id, role === 'partner' ? partner.id : null);

    // partners.read
    expect(await c.get('/api/v1/partners'), may.read, 200, `${role} GET /partners`);
    const one = await c.get(`/api/v1/partners/${partner.id}`);
    expect(one, may.read, 200, `${role} GET /partners/{id}`);
    if (may.read) assert.equal(one.json.name, partner.name);
    expect(await c.get(`/api/v1/partners/${partner.id}/contacts`), may.read, 200, `${role} GET /partners/{id}/contacts`);
    expect(await c.get(`/api/v1/contacts/${contact.id}`), may.read, 200, `${role} GET /contacts/{id}`);

    // partners.write (a liaison writes to the partners they own: give them this one)
    if (role === 'liaison') assert.equal((await admin.patch(`/api/v1/partners/${partner.id}`, { owner_id: me.json.user.id })).status, 200);
    const name = `Perm ${role} ${uniq()}`;
    const created = await c.post('/api/v1/partners', { name });
    expect(created, may.write, 201, `${role} POST /partners`);
    assert.deepEqual(await namesLike(name), may.write ? [name] : [], `${role}: created only when allowed`);

    const before = (await admin.get(`/api/v1/partners/${partner.id}`)).json;
    const patched = await c.patch(`/api/v1/partners/${partner.id}`, { notes: `touched by ${role}` });
    expect(patched, may.write, 200, `${role} PATCH /partners/{id}`);
    const afterPatch = (await admin.get(`/api/v1/partners/${partner.id}`)).json;
    if (!may.write) assert.deepEqual(afterPatch, before, `${role}: refused PATCH changed nothing`);
    else assert.equal(afterPatch.notes, `touched by ${role}`);

    const victim = await admin.post('/api/v1/partners', { name: `Victim ${role} ${uniq()}`, ...(role === 'liaison' ? { owner_id: me.json.user.id } : {}) });
    const archived = await c.del(`/api/v1/partners/${victim.json.id}`);
    expect(archived, may.write, 204, `${role} DELETE /partners/{id}`);
    assert.equal((await admin.get(`/api/v1/partners/${victim.json.id}`)).json.archived, may.write);

    const newContact = await c.post(`/api/v1/partners/${partner.id}/contacts`, { name: `Contact by ${role}` });
    expect(newContact, may.write, 201, `${role} POST /partners/{id}/contacts`);
    const list = (await admin.get(`/api/v1/partners/${partner.id}/contacts?limit=500`)).json.items;
    assert.equal(list.some((x) => x.name === `Contact by ${role}`), may.write);

    const cBefore = (await admin.get(`/api/v1/contacts/${contact.id}`)).json;
    expect(await c.patch(`/api/v1/contacts/${contact.id}`, { notes: `by ${role}` }), may.write, 200, `${role} PATCH /contacts/{id}`);
    if (!may.write) assert.deepEqual((await admin.get(`/api/v1/contacts/${contact.id}`)).json, cBefore);

    const doomed = await admin.post(`/api/v1/partners/${partner.id}/contacts`, { name: `Doomed ${role}` });
    expect(await c.del(`/api/v1/contacts/${doomed.json.id}`), may.write, 204, `${role} DELETE /contacts/{id}`);
    assert.equal((await admin.get(`/api/v1/contacts/${doomed.json.id}`)).status, may.write ? 404 : 200);

    // tokens.create
    expect(await c.post('/api/v1/tokens', { name: `token of ${role}` }), may.tokens, 201, `${role} POST /tokens`);

    // audit.read
    expect(await c.get('/api/v1/audit'), may.audit, 200, `${role} GET /audit`);
  });
}

test('without sign-in every protected route answers 401 unauthenticated and changes nothing', async () => {
  const anon = new Client(srv.url);
  const name = `Anon ${uniq()}`;
  const calls = [
    ['GET', '/api/v1/me'], ['DELETE', '/api/v1/session'], ['POST', '/api/v1/tokens', { name: 'x' }],
    ['GET', '/api/v1/partners'], ['POST', '/api/v1/partners', { name }],
    ['GET', `/api/v1/partners/${partner.id}`], ['PATCH', `/api/v1/partners/${partner.id}`, { notes: 'anon' }],
    ['DELETE', `/api/v1/partners/${partner.id}`],
    ['GET', `/api/v1/partners/${partner.id}/contacts`], ['POST', `/api/v1/partners/${partner.id}/contacts`, { name }],
    ['GET', `/api/v1/contacts/${contact.id}`], ['PATCH', `/api/v1/contacts/${contact.id}`, { notes: 'anon' }],
    ['DELETE', `/api/v1/contacts/${contact.id}`], ['GET', '/api/v1/audit'],
  ];
  const before = (await admin.get(`/api/v1/partners/${partner.id}`)).json;
  for (const [method, path, body] of calls) {
    const r = await anon.request(method, path, body);
    assert.equal(r.status, 401, `${method} ${path}: ${r.status} ${r.text}`);
    assert.equal(errorCode(r), 'unauthenticated', `${method} ${path}`);
  }
  assert.deepEqual(await namesLike(name), []);
  assert.deepEqual((await admin.get(`/api/v1/partners/${partner.id}`)).json, before);
  assert.equal((await admin.get(`/api/v1/contacts/${contact.id}`)).status, 200);
});

test('a liaison changes only the partners they own; a manager changes any', async () => {
  const liaison = await signedIn(srv.url, 'liaison');
  const manager = await signedIn(srv.url, 'manager');
  const lid = (await liaison.get('/api/v1/me')).json.user.id;
  const mine = await liaison.post('/api/v1/partners', { name: `Owned ${uniq()}` });
  assert.equal(mine.status, 201);
  assert.equal(mine.json.owner_id, lid, "a liaison's new partner is theirs");
  const other = (await admin.post('/api/v1/partners', { name: `Not theirs ${uniq()}` })).json;
  const before = (await admin.get(`/api/v1/partners/${other.id}`)).json;
  const r = await liaison.patch(`/api/v1/partners/${other.id}`, { notes: 'nope' });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'forbidden');
  assert.deepEqual((await admin.get(`/api/v1/partners/${other.id}`)).json, before, 'nothing changed');
  assert.equal((await liaison.del(`/api/v1/partners/${other.id}`)).status, 403);
  assert.equal((await liaison.post(`/api/v1/partners/${other.id}/contacts`, { name: 'X' })).status, 403);
  assert.equal((await liaison.patch(`/api/v1/partners/${mine.json.id}`, { notes: 'mine' })).status, 200);
  assert.equal((await manager.patch(`/api/v1/partners/${other.id}`, { notes: 'by the manager' })).status, 200);
});
