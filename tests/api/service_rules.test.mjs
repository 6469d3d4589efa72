// The rules the service layer applies for every writer of the relationship
// resources (issue 11): an edit keeps the record as it was; nothing in an
// interaction happens before it, also after an edit moves it; a commitment's
// done_at records when it was done, not when it was last saved; each change
// writes its audit entry with the change, in the same transaction; the
// people list never carries a password hash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn } from '../lib/server.mjs';

const H = 3600e3;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const dayUtc = (offsetDays) => new Date(Date.now() + offsetDays * 86400e3).toISOString().slice(0, 10);

let srv, admin, manager, liaison, me = {};

before(async () => {
  srv = await startServer();
  [admin, manager, liaison] = await Promise.all(['admin', 'manager', 'liaison'].map((r) => signedIn(srv.url, r)));
  for (const [k, c] of Object.entries({ admin, manager, liaison })) me[k] = (await c.get('/api/v1/me')).json.user.id;
});
after(async () => { await srv?.stop(); });

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.json;
}
const auditActions = async (type, id) =>
  (await ok(await admin.get(`/api/v1/audit?record_type=${type}&record_id=${id}&limit=50`))).items.map((e) => e.action).reverse();

test('an edited interaction keeps the record as it was, by whom and when', async () => {
  const p = await ok(await liaison.post('/api/v1/partners', { name: 'History Clinic' }), 201);
  const first = await ok(await liaison.post('/api/v1/interactions', {
    partner_id: p.id, kind: 'call', direction: 'outbound', summary: 'First words', occurred_at: iso(Date.now() - 5 * H),
  }), 201);
  assert.equal(first.user_id, me.liaison, 'who of us: the one who logged it');
  const edited = await ok(await manager.patch(`/api/v1/interactions/${first.id}`, { summary: 'Better words', kind: 'meeting' }));
  assert.equal(edited.summary, 'Better words');
  assert.equal(edited.kind, 'meeting');
  assert.equal(edited.user_id, me.liaison, 'an edit does not change who of us it was');
  assert.equal(edited.history.length, 1);
  assert.equal(edited.history[0].changed_by, me.manager);
  assert.deepEqual(edited.history[0].previous, first);
  const again = await ok(await liaison.get(`/api/v1/interactions/${first.id}`));
  assert.deepEqual(again, edited);
  assert.deepEqual(await auditActions('interaction', first.id), ['interaction.create', 'interaction.update']);
});

test('a response cannot come before the interaction, also when an edit moves the interaction', async () => {
  const p = await ok(await liaison.post('/api/v1/partners', { name: 'Moved Clinic' }), 201);
  const at = Date.now() - 10 * H;
  const ix = await ok(await liaison.post('/api/v1/interactions', {
    partner_id: p.id, kind: 'email', direction: 'inbound', summary: 'Can you see her?', awaiting: 'us',
    occurred_at: iso(at), responded_at: iso(at + 2 * H),
  }), 201);
  const r = await liaison.patch(`/api/v1/interactions/${ix.id}`, { occurred_at: iso(at + 3 * H) });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'responded_at');
  const stored = await ok(await liaison.get(`/api/v1/interactions/${ix.id}`));
  assert.equal(stored.occurred_at, ix.occurred_at, 'nothing stored');
  assert.equal(stored.history.length, 0, 'no version kept for a refused edit');
  assert.deepEqual(await auditActions('interaction', ix.id), ['interaction.create']);
  // Both moved together is fine.
  await ok(await liaison.patch(`/api/v1/interactions/${ix.id}`, { occurred_at: iso(at + 3 * H), responded_at: iso(at + 4 * H) }));
});

test('done_at is when a commitment was done, not when it was saved again', async () => {
  const p = await ok(await liaison.post('/api/v1/partners', { name: 'Promise Clinic' }), 201);
  const c = await ok(await liaison.post('/api/v1/commitments', { partner_id: p.id, title: 'Send the report', due_on: dayUtc(3) }), 201);
  assert.equal(c.status, 'open');
  assert.equal(c.done_at, null);
  assert.equal(c.owner_id, me.liaison, 'the owner defaults to who records it');
  assert.equal(c.partner_name, 'Promise Clinic');
  const done = await ok(await liaison.patch(`/api/v1/commitments/${c.id}`, { status: 'done' }));
  assert.ok(done.done_at);
  await new Promise((r) => setTimeout(r, 1100));
  const again = await ok(await liaison.patch(`/api/v1/commitments/${c.id}`, { status: 'done', title: 'Send the full report' }));
  assert.equal(again.done_at, done.done_at);
  assert.equal(again.title, 'Send the full report');
  const reopened = await ok(await liaison.patch(`/api/v1/commitments/${c.id}`, { status: 'open' }));
  assert.equal(reopened.done_at, null);
  assert.deepEqual(await auditActions('commitment', c.id),
    ['commitment.create', 'commitment.update', 'commitment.update', 'commitment.update']);
});

test('contact changes are audited in their own transaction; a refused one leaves nothing', async () => {
  const p = await ok(await liaison.post('/api/v1/partners', { name: 'People Clinic' }), 201);
  const c = await ok(await liaison.post(`/api/v1/partners/${p.id}/contacts`, { name: 'Dana', email: 'dana@example.org' }), 201);
  assert.equal(c.role, 'other');
  assert.equal(c.partner_id, p.id);
  const bad = await liaison.patch(`/api/v1/contacts/${c.id}`, { email: 'not-an-email' });
  assert.equal(bad.status, 422, bad.text);
  const upd = await ok(await liaison.patch(`/api/v1/contacts/${c.id}`, { phone: '+1 555 0100', email: null }));
  assert.equal(upd.phone, '+1 555 0100');
  assert.equal(upd.email, null);
  assert.equal(upd.created_at, c.created_at);
  assert.equal((await liaison.del(`/api/v1/contacts/${c.id}`)).status, 204);
  assert.deepEqual(await auditActions('contact', c.id), ['contact.create', 'contact.update', 'contact.delete']);
});

test('the people list shows names and roles, email to admins, and never a password hash', async () => {
  const staff = await ok(await manager.get('/api/v1/users?limit=500'));
  for (const u of staff.items) assert.deepEqual(Object.keys(u).sort(), ['active', 'id', 'name', 'role']);
  const full = await ok(await admin.get('/api/v1/users?limit=500'));
  for (const u of full.items) assert.deepEqual(Object.keys(u).sort(), ['active', 'email', 'id', 'name', 'partner_id', 'require_password_change', 'role']);
  assert.ok(full.items.some((u) => u.id === me.liaison));
  assert.ok(!JSON.stringify(full).includes('$argon2'));
});
