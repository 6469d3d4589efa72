// Referrals have an assignee (issue 12 point 7): assignee_id (a coordinator
// or clinician) and receiving_clinician_id (a clinician), set on POST, PATCH
// and PUT /referrals/{id}/assignment, shown with the person's name, listed
// by filters, written as `assigned` timeline events (codes with parameters)
// and audited; the worklist shows each person the steps that are theirs,
// and managers and admins also the unassigned ones. Runs on both engines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn, addUser } from '../lib/server.mjs';

let srv, admin, manager, liaison, coord, clin, partner;
const id = {};
const H = 3600e3;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
let seq = 0;

before(async () => {
  srv = await startServer();
  [admin, manager, liaison, coord, clin] = await Promise.all(
    ['admin', 'manager', 'liaison', 'coordinator', 'clinician'].map((r) => signedIn(srv.url, r)));
  for (const [k, c] of Object.entries({ admin, manager, liaison, coord, clin })) {
    id[k] = (await c.get('/api/v1/me')).json.user.id;
  }
  // A second coordinator and clinician, to reassign to.
  id.coord2 = addUser(srv.db, 'coordinator', 'coord2@test.local', { name: 'Second Coordinator' });
  id.clin2 = addUser(srv.db, 'clinician', 'clin2@test.local', { name: 'طبيبة ثانية' });
  const p = await coord.post('/api/v1/partners', { name: 'Assignee Test Clinic', specialty: 'Cardiology' });
  assert.equal(p.status, 201, p.text);
  partner = p.json;
});
after(async () => { await srv?.stop(); });

// An inbound referral sent 10 hours ago: its acknowledgement is overdue, so
// it is on someone's worklist.
async function referral(extra = {}, c = coord) {
  const r = await c.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: 'urgent',
    reason: 'Chest pain', sent_at: iso(Date.now() - 10 * H),
    patient: { mrn: `AS-${process.pid}-${++seq}`, given: `Assign${seq}`, family: 'Test' }, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const assigned = (r) => r.events.filter((e) => e.kind === 'assigned');
async function audit(refId) {
  const r = await admin.get(`/api/v1/audit?action=referral.assign&record_id=${refId}&limit=500`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('set on create: the referral names its assignee and receiving clinician; each is an assigned event', async () => {
  const r = await referral({ assignee_id: id.coord, receiving_clinician_id: id.clin });
  assert.equal(r.assignee_id, id.coord);
  assert.equal(r.assignee_name, 'Test coordinator');
  assert.equal(r.receiving_clinician_id, id.clin);
  assert.equal(r.receiving_clinician_name, 'Test clinician');
  const ev = assigned(r);
  assert.deepEqual(ev.map((e) => e.params), [
    { as: 'assignee', from: null, to: id.coord }, { as: 'receiving_clinician', from: null, to: id.clin }]);
  for (const e of ev) {
    assert.equal(e.user_id, id.coord);
    assert.equal(e.note, null, 'a code with parameters, no English text');
    assert.equal(e.from, null);
    assert.equal(e.to, 'sent');
  }
  assert.deepEqual(r.events.filter((e) => e.kind === 'status').map((e) => e.to), ['sent']);
  // Unassigned by default.
  const u = await referral();
  assert.equal(u.assignee_id, null);
  assert.equal(u.assignee_name, null);
  assert.equal(u.receiving_clinician_id, null);
  assert.deepEqual(assigned(u), []);
});

test('reassign by PATCH and by PUT /assignment: from/to events, audited; the same person again writes nothing', async () => {
  const r = await referral({ assignee_id: id.coord });
  let p = await coord.patch(`/api/v1/referrals/${r.id}`, { assignee_id: id.coord2 });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.assignee_id, id.coord2);
  assert.equal(p.json.assignee_name, 'Second Coordinator');
  assert.equal(p.json.completeness.score, r.completeness.score);
  // A manager (no referrals.write) assigns through PUT /assignment.
  const m = await manager.patch(`/api/v1/referrals/${r.id}`, { assignee_id: id.clin });
  assert.equal(m.status, 403, m.text);
  p = await manager.put(`/api/v1/referrals/${r.id}/assignment`, { assignee_id: id.clin, receiving_clinician_id: id.clin2 });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.assignee_id, id.clin);
  assert.equal(p.json.receiving_clinician_name, 'طبيبة ثانية', 'names come back byte for byte');
  // The same again: nothing new.
  const again = await manager.put(`/api/v1/referrals/${r.id}/assignment`, { assignee_id: id.clin });
  assert.equal(again.status, 200, again.text);
  // Unassign.
  p = await coord.put(`/api/v1/referrals/${r.id}/assignment`, { assignee_id: null });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.assignee_id, null);
  assert.equal(p.json.receiving_clinician_id, id.clin2, 'a member not sent stays');
  const g = await coord.get(`/api/v1/referrals/${r.id}`);
  assert.deepEqual(assigned(g.json).map((e) => [e.params, e.user_id]), [
    [{ as: 'assignee', from: null, to: id.coord }, id.coord],
    [{ as: 'assignee', from: id.coord, to: id.coord2 }, id.coord],
    [{ as: 'assignee', from: id.coord2, to: id.clin }, id.manager],
    [{ as: 'receiving_clinician', from: null, to: id.clin2 }, id.manager],
    [{ as: 'assignee', from: id.clin, to: null }, id.coord],
  ]);
  const a = await audit(r.id);
  assert.equal(a.length, 4, `one audit entry per change after creation: ${JSON.stringify(a)}`);
  // The partner's timeline shows moves, not assignments.
  const tl = await coord.get(`/api/v1/partners/${partner.id}/timeline`);
  assert.equal(tl.status, 200, tl.text);
  const rows = tl.json.items.filter((x) => x.kind === 'referral' && x.id === r.id);
  assert.equal(rows.length, g.json.events.filter((e) => e.kind === 'status').length, JSON.stringify(rows));
});

test('a user of another role is 422 naming the field, and changes nothing', async () => {
  const r = await referral({ assignee_id: id.coord, receiving_clinician_id: id.clin });
  const before = (await coord.get(`/api/v1/referrals/${r.id}`)).json;
  const cases = [
    [coord, 'patch', `/api/v1/referrals/${r.id}`, { assignee_id: id.liaison }, 'assignee_id'],
    [coord, 'patch', `/api/v1/referrals/${r.id}`, { assignee_id: id.manager }, 'assignee_id'],
    [coord, 'patch', `/api/v1/referrals/${r.id}`, { assignee_id: 999999 }, 'assignee_id'],
    [coord, 'patch', `/api/v1/referrals/${r.id}`, { assignee_id: 'me' }, 'assignee_id'],
    [coord, 'patch', `/api/v1/referrals/${r.id}`, { receiving_clinician_id: id.coord2 }, 'receiving_clinician_id'],
    // a good assignee with a bad clinician: neither changes, nor the packet
    [coord, 'patch', `/api/v1/referrals/${r.id}`, { reason: 'Changed', assignee_id: id.coord2, receiving_clinician_id: id.admin }, 'receiving_clinician_id'],
    [manager, 'put', `/api/v1/referrals/${r.id}/assignment`, { assignee_id: id.coord2, receiving_clinician_id: id.liaison }, 'receiving_clinician_id'],
    [manager, 'put', `/api/v1/referrals/${r.id}/assignment`, { assignee_id: id.admin }, 'assignee_id'],
    [manager, 'put', `/api/v1/referrals/${r.id}/assignment`, { assignee_id: 0 }, 'assignee_id'],
    [manager, 'put', `/api/v1/referrals/${r.id}/assignment`, { owner_id: id.coord }, 'owner_id'],
  ];
  for (const [c, method, path, body, field] of cases) {
    const res = await c[method](path, body);
    assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.json.error.code, 'validation_failed');
    assert.equal(res.json.error.field, field, JSON.stringify(body));
  }
  const after = (await coord.get(`/api/v1/referrals/${r.id}`)).json;
  assert.deepEqual(after, before, 'nothing changed');
  assert.equal((await audit(r.id)).length, 0);
  // On create: refused, no referral made.
  const count = async () => (await coord.get(`/api/v1/referrals?partner_id=${partner.id}&limit=500`)).json.items.length;
  const n = await count();
  for (const body of [{ assignee_id: id.liaison }, { receiving_clinician_id: id.coord }]) {
    const res = await coord.post('/api/v1/referrals', { direction: 'outbound', partner_id: partner.id,
      patient: { given: 'Refused', family: 'Assignee' }, ...body });
    assert.equal(res.status, 422, res.text);
    assert.equal(res.json.error.field, Object.keys(body)[0]);
  }
  assert.equal(await count(), n, 'no referral was created');
});

test('list filters: assignee_id, assignee_id=none, receiving_clinician_id; items name the people', async () => {
  const mine = await referral({ assignee_id: id.coord2, receiving_clinician_id: id.clin2 });
  const none = await referral({ receiving_clinician_id: id.clin2 });
  const other = await referral({ assignee_id: id.coord });
  const list = async (q) => {
    const r = await coord.get(`/api/v1/referrals?partner_id=${partner.id}&limit=500&${q}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items;
  };
  const a = await list(`assignee_id=${id.coord2}`);
  assert.ok(a.some((x) => x.id === mine.id));
  assert.ok(a.every((x) => x.assignee_id === id.coord2), JSON.stringify(a));
  const item = a.find((x) => x.id === mine.id);
  assert.equal(item.assignee_name, 'Second Coordinator');
  assert.equal(item.receiving_clinician_id, id.clin2);
  assert.equal(item.receiving_clinician_name, 'طبيبة ثانية');
  const u = await list('assignee_id=none');
  assert.ok(u.some((x) => x.id === none.id));
  assert.ok(!u.some((x) => x.id === mine.id || x.id === other.id));
  assert.ok(u.every((x) => x.assignee_id === null));
  const rc = await list(`receiving_clinician_id=${id.clin2}`);
  assert.deepEqual(new Set(rc.map((x) => x.id)).has(mine.id) && rc.every((x) => x.receiving_clinician_id === id.clin2), true);
  assert.ok(rc.some((x) => x.id === none.id));
  const both = await list(`assignee_id=none&receiving_clinician_id=${id.clin2}`);
  assert.ok(both.some((x) => x.id === none.id) && !both.some((x) => x.id === mine.id));
  // The list follows a reassignment (the page cache is invalidated).
  const p = await coord.put(`/api/v1/referrals/${none.id}/assignment`, { assignee_id: id.coord2 });
  assert.equal(p.status, 200, p.text);
  assert.ok(!(await list('assignee_id=none')).some((x) => x.id === none.id));
  assert.ok((await list(`assignee_id=${id.coord2}`)).some((x) => x.id === none.id));
  for (const q of ['assignee_id=nobody', 'assignee_id=-3', 'receiving_clinician_id=none']) {
    const r = await coord.get(`/api/v1/referrals?${q}`);
    assert.equal(r.status, 422, `${q}: ${r.text}`);
    assert.equal(r.json.error.field, q.split('=')[0]);
  }
});

test('the worklist is per person: their own steps; managers and admins also the unassigned', async () => {
  const toCoord = await referral({ assignee_id: id.coord });
  const toClin = await referral({ assignee_id: id.coord2, receiving_clinician_id: id.clin });
  const nobody = await referral();
  const steps = async (c, owner) => {
    const r = await c.get(`/api/v1/worklist${owner ? `?owner_id=${owner}` : ''}`);
    assert.equal(r.status, 200, r.text);
    return new Set(r.json.items.filter((x) => x.kind === 'referral_step').map((x) => x.referral_id));
  };
  const c = await steps(coord);
  assert.ok(c.has(toCoord.id), 'the assignee sees it');
  assert.ok(!c.has(toClin.id) && !c.has(nobody.id), 'not others\' nor the unassigned');
  const k = await steps(clin);
  assert.ok(k.has(toClin.id), 'the receiving clinician sees it');
  assert.ok(!k.has(toCoord.id) && !k.has(nobody.id));
  for (const m of [manager, admin]) {
    const s = await steps(m);
    assert.ok(s.has(nobody.id), 'managers and admins see the unassigned');
    assert.ok(!s.has(toCoord.id) && !s.has(toClin.id), 'but not what is someone\'s');
    // Looking at another person's list shows that person's steps.
    const theirs = await steps(m, id.clin);
    assert.ok(theirs.has(toClin.id) && !theirs.has(nobody.id));
  }
  // A reassignment moves the step from one list to the other.
  const p = await manager.put(`/api/v1/referrals/${nobody.id}/assignment`, { assignee_id: id.clin });
  assert.equal(p.status, 200, p.text);
  assert.ok((await steps(clin)).has(nobody.id));
  assert.ok(!(await steps(manager)).has(nobody.id), 'no longer unassigned');
  // A liaison keeps the steps of the partners they own.
  const own = await admin.patch(`/api/v1/partners/${partner.id}`, { owner_id: id.liaison });
  assert.equal(own.status, 200, own.text);
  const l = await liaison.get('/api/v1/worklist');
  const ls = l.json.items.filter((x) => x.kind === 'referral_step');
  assert.ok(ls.some((x) => x.referral_id === toCoord.id) && ls.every((x) => x.patient === null));
  // Items say whose they are.
  const item = (await coord.get('/api/v1/worklist')).json.items.find((x) => x.referral_id === toCoord.id);
  assert.equal(item.assignee_id, id.coord);
  assert.equal(item.assignee_name, 'Test coordinator');
  assert.equal(item.receiving_clinician_id, null);
});

test('a closed referral is not reassigned (409), and nothing changes', async () => {
  const r = await referral({ assignee_id: id.coord });
  const d = await clin.post(`/api/v1/referrals/${r.id}/transitions`, { to: 'declined', reason: 'out_of_scope' });
  assert.equal(d.status, 200, d.text);
  const p = await manager.put(`/api/v1/referrals/${r.id}/assignment`, { assignee_id: id.clin });
  assert.equal(p.status, 409, p.text);
  assert.equal((await coord.get(`/api/v1/referrals/${r.id}`)).json.assignee_id, id.coord);
});
