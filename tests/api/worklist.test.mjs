// The worklist (docs/api.md "Worklist"): referral steps overdue or due within
// two days, most urgent first, each linking to its referral. Overdue steps are
// produced honestly: inbound referrals recorded with the time the partner sent
// them (`sent_at`), so the service-level clock started hours or days ago.
// Steps are a person's own (issue 12 point 7): these referrals are the
// coordinator's, one with the clinician as its receiving clinician; the
// per-person rules are tests/api/assignee.test.mjs's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, signedIn } from '../lib/server.mjs';

let srv, admin, manager, liaison, coord, clin, partner, coordId, clinId;
const H = 3600e3, D = 86400e3;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
let seq = 0;
const refs = {};

before(async () => {
  srv = await startServer();
  [admin, manager, liaison, coord, clin] = await Promise.all(
    ['admin', 'manager', 'liaison', 'coordinator', 'clinician'].map((r) => signedIn(srv.url, r)));
  const p = await coord.post('/api/v1/partners', { name: 'Worklist Partner Hospital', specialty: 'Cardiology' });
  assert.equal(p.status, 201, p.text);
  partner = p.json;
  coordId = (await coord.get('/api/v1/me')).json.user.id;
  clinId = (await clin.get('/api/v1/me')).json.user.id;

  const t0 = Date.now();
  const inbound = async (urgency, sentAgo, name) => {
    const b = { direction: 'inbound', partner_id: partner.id, urgency, reason: 'Chest pain', assignee_id: coordId,
      patient: { mrn: `WL-${process.pid}-${++seq}`, given: name, family: 'Worklist' } };
    if (sentAgo !== null) b.sent_at = iso(t0 - sentAgo);
    const r = await coord.post('/api/v1/referrals', b);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const move = async (id, b, c = clin) => {
    const r = await c.post(`/api/v1/referrals/${id}/transitions`, b);
    assert.equal(r.status, 200, `${b.to}: ${r.text}`);
    return r.json;
  };
  // acknowledge overdue by ~6 h (urgent: 4 h from sent)
  refs.ackUrgent = await inbound('urgent', 10 * H, 'AckUrgent');
  const rc = await coord.patch(`/api/v1/referrals/${refs.ackUrgent.id}`, { receiving_clinician_id: clinId });
  assert.equal(rc.status, 200, rc.text);
  // acknowledge overdue by ~2 h (emergent: 1 h from sent)
  refs.ackEmergent = await inbound('emergent', 3 * H, 'AckEmergent');
  // acknowledge due in ~4 h: not overdue, but due within two days
  refs.soon = await inbound('urgent', null, 'Soon');
  // schedule overdue by ~1 day (urgent: 2 days from sent)
  refs.schedOverdue = await inbound('urgent', 3 * D, 'SchedOverdue');
  await move(refs.schedOverdue.id, { to: 'accepted' });
  // see overdue by ~2 days (urgent: 7 days from sent)
  refs.seeOverdue = await inbound('urgent', 9 * D, 'SeeOverdue');
  await move(refs.seeOverdue.id, { to: 'accepted' });
  await move(refs.seeOverdue.id, { to: 'scheduled', appointment_at: iso(t0 + 2 * D) });
  // routine, accepted: scheduling due in 7 days — not within two days
  refs.later = await inbound('routine', null, 'Later');
  await move(refs.later.id, { to: 'accepted' });
  // no running step: a draft, a declined and a cancelled referral
  const d = await coord.post('/api/v1/referrals', { direction: 'outbound', partner_id: partner.id, urgency: 'urgent', assignee_id: coordId,
    patient: { given: 'Draft', family: 'Worklist' } });
  assert.equal(d.status, 201, d.text);
  refs.draft = d.json;
  refs.declined = await inbound('urgent', 10 * H, 'Declined');
  await move(refs.declined.id, { to: 'declined', reason: 'out_of_scope' });
  refs.cancelled = await inbound('emergent', 5 * H, 'Cancelled');
  await move(refs.cancelled.id, { to: 'cancelled' }, coord);
});
after(async () => { await srv?.stop(); });

async function worklist(c = coord, owner = null) {
  const r = await c.get(`/api/v1/worklist${owner ? `?owner_id=${owner}` : ''}`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.ok(Array.isArray(r.json.items), r.text);
  return r.json.items;
}
const steps = (items) => items.filter((x) => x.kind === 'referral_step');
const byRef = (items, ref) => steps(items).filter((x) => x.referral_id === ref.id);

test('overdue and soon-due referral steps are listed with the right step; nothing without a running step', async () => {
  const items = await worklist();
  const expect = [
    ['ackUrgent', 'acknowledge', true, 'sent'], ['ackEmergent', 'acknowledge', true, 'sent'],
    ['soon', 'acknowledge', false, 'sent'], ['schedOverdue', 'schedule', true, 'accepted'],
    ['seeOverdue', 'see', true, 'scheduled'],
  ];
  for (const [name, step, overdue, status] of expect) {
    const found = byRef(items, refs[name]);
    assert.equal(found.length, 1, `${name} is listed once: ${JSON.stringify(found)}`);
    const it = found[0];
    assert.equal(it.step, step, name);
    assert.equal(it.overdue, overdue, `${name} overdue`);
    assert.equal(it.status, status, name);
    assert.match(it.due_at, RFC3339_UTC);
    assert.equal(it.overdue, Date.parse(it.due_at) < Date.now(), `${name}: overdue agrees with due_at`);
  }
  for (const name of ['later', 'draft', 'declined', 'cancelled']) {
    assert.deepEqual(byRef(items, refs[name]), [], `${name} is not on the worklist`);
  }
  // Due times follow the service levels, counted from when the partner sent it.
  const due = (name) => Date.parse(byRef(items, refs[name])[0].due_at);
  const sent = (name) => Date.parse(refs[name].events[0].at);
  assert.ok(Math.abs(due('ackUrgent') - (sent('ackUrgent') + 4 * H)) <= 60e3, 'urgent: acknowledge within 4 hours');
  assert.ok(Math.abs(due('ackEmergent') - (sent('ackEmergent') + H)) <= 60e3, 'emergent: acknowledge within 1 hour');
  assert.ok(Math.abs(due('schedOverdue') - (sent('schedOverdue') + 2 * D)) <= 60e3, 'urgent: scheduled within 2 days');
  assert.ok(Math.abs(due('seeOverdue') - (sent('seeOverdue') + 7 * D)) <= 60e3, 'urgent: seen within 7 days');
  for (const it of steps(items)) {
    assert.ok(Date.parse(it.due_at) <= Date.now() + 2 * D + 60e3, `only steps due within two days: ${JSON.stringify(it)}`);
  }
});

test('most urgent first: the longest overdue first, then what comes due soonest', async () => {
  const items = steps(await worklist());
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1], b = items[i];
    assert.ok(!(b.overdue && !a.overdue), `overdue items come before the others: ${JSON.stringify([a, b])}`);
    assert.ok(Date.parse(a.due_at) <= Date.parse(b.due_at), `sorted by due time: ${a.due_at} then ${b.due_at}`);
  }
  const order = ['seeOverdue', 'schedOverdue', 'ackUrgent', 'ackEmergent', 'soon']
    .map((n) => items.findIndex((x) => x.referral_id === refs[n].id));
  assert.ok(order.every((i) => i >= 0), `all listed: ${order}`);
  assert.deepEqual([...order].sort((x, y) => x - y), order,
    'see (2 days overdue), schedule (1 day), acknowledge (6 h), acknowledge (2 h), acknowledge (due in 4 h)');
});

test('items link to their referral: id, partner, patient, step and due agree with GET /referrals/{id}', async () => {
  const items = steps(await worklist());
  assert.ok(items.length >= 5);
  for (const it of items) {
    for (const k of ['kind', 'referral_id', 'partner_name', 'patient', 'step', 'due_at', 'overdue', 'status']) {
      assert.ok(k in it, `item has ${k}: ${JSON.stringify(it)}`);
    }
    const r = await coord.get(`/api/v1/referrals/${it.referral_id}`);
    assert.equal(r.status, 200, `referral ${it.referral_id}: ${r.text}`);
    const ref = r.json;
    assert.equal(it.partner_name, ref.partner_name);
    assert.equal(it.status, ref.status);
    assert.deepEqual(it.patient, { id: ref.patient.id, given: ref.patient.given, family: ref.patient.family });
    assert.ok(ref.due, `the referral has a running step: ${JSON.stringify(ref.due)}`);
    assert.equal(it.step, ref.due.step);
    assert.equal(it.due_at, ref.due.at);
    assert.equal(it.overdue, ref.due.overdue);
    for (const k of ['reason', 'packet', 'diagnoses']) assert.ok(!(k in it), `no clinical text (${k})`);
  }
  // The overdue list filter agrees with the worklist.
  const od = await coord.get(`/api/v1/referrals?overdue=true&partner_id=${partner.id}&limit=500`);
  assert.equal(od.status, 200, od.text);
  const overdueIds = new Set(od.json.items.map((x) => x.id));
  for (const n of ['ackUrgent', 'ackEmergent', 'schedOverdue', 'seeOverdue']) assert.ok(overdueIds.has(refs[n].id), n);
  for (const n of ['soon', 'later', 'draft']) assert.ok(!overdueIds.has(refs[n].id), n);
});

test('who sees what: names only with referrals.read; sign-in required', async () => {
  // A liaison sees the steps of the partners they own, and only those.
  assert.ok(!steps(await worklist(liaison)).some((x) => x.referral_id === refs.ackUrgent.id), 'not of a partner they do not own');
  const lid = (await liaison.get('/api/v1/me')).json.user.id;
  const owned = await admin.patch(`/api/v1/partners/${refs.ackUrgent.partner_id}`, { owner_id: lid });
  assert.equal(owned.status, 200, owned.text);
  const forLiaison = steps(await worklist(liaison));
  assert.ok(forLiaison.some((x) => x.referral_id === refs.ackUrgent.id), 'a liaison sees the overdue steps of their partner');
  for (const it of forLiaison) assert.equal(it.patient, null, 'but no patient names');
  // The receiving clinician sees it as theirs; managers and admins on the
  // coordinator's list (it is assigned, so not among their unassigned ones).
  for (const [c, owner] of [[clin, null], [manager, coordId], [admin, coordId]]) {
    const it = byRef(await worklist(c, owner), refs.ackUrgent)[0];
    assert.ok(it && it.patient && it.patient.given === 'AckUrgent', JSON.stringify(it));
    assert.equal(it.assignee_id, coordId);
    assert.equal(it.receiving_clinician_id, clinId);
  }
  const anon = await new Client(srv.url).get('/api/v1/worklist');
  assert.equal(anon.status, 401);
  assert.equal(anon.json.error.code, 'unauthenticated');
});

test('the worklist follows the referral: acknowledging moves it to the next step; voiding removes it', async () => {
  const r = await coord.post(`/api/v1/referrals/${refs.ackUrgent.id}/transitions`, { to: 'received' });
  assert.equal(r.status, 200, r.text);
  let it = byRef(await worklist(), refs.ackUrgent);
  assert.equal(it.length, 1);
  assert.equal(it[0].step, 'schedule', 'acknowledged: now it must be scheduled');
  assert.equal(it[0].overdue, false, 'scheduling is due 2 days after sent: not yet');
  assert.equal(it[0].status, 'received');
  assert.ok(Math.abs(Date.parse(it[0].due_at) - (Date.parse(refs.ackUrgent.events[0].at) + 2 * D)) <= 60e3);

  const v = await admin.post(`/api/v1/referrals/${refs.ackEmergent.id}/transitions`, { to: 'entered_in_error', note: 'duplicate' });
  assert.equal(v.status, 200, v.text);
  assert.deepEqual(byRef(await worklist(), refs.ackEmergent), [], 'a voided referral leaves the worklist');
  it = byRef(await worklist(), refs.soon);
  assert.equal(it.length, 1, 'others stay');
});
