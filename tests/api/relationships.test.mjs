// Relationships (docs/api.md "Relationships (communication, goals,
// commitments, check-ins)" and "Worklist"; issue #5): the communication log
// with its edit history, check-in cadence, responsiveness medians, the
// reliability of commitments, stage history, the timeline, goals,
// commitments, the extended worklist and who may change what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signedIn, Client } from '../lib/server.mjs';

const H = 3600e3, D = 86400e3;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const ms = (s) => Date.parse(s);
const todayUtc = () => new Date().toISOString().slice(0, 10);
const dayUtc = (offsetDays) => new Date(Date.now() + offsetDays * D).toISOString().slice(0, 10);

let srv, admin, manager, liaison, coord, clin, me = {};

before(async () => {
  srv = await startServer();
  [admin, manager, liaison, coord, clin] = await Promise.all(
    ['admin', 'manager', 'liaison', 'coordinator', 'clinician'].map((r) => signedIn(srv.url, r)));
  for (const [k, c] of Object.entries({ admin, manager, liaison, coord, clin })) me[k] = (await c.get('/api/v1/me')).json.user.id;
});
after(async () => { await srv?.stop(); });

async function newPartner(c, body) {
  const r = await c.post('/api/v1/partners', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function log(c, body, status = 201) {
  const r = await c.post('/api/v1/interactions', { kind: 'call', direction: 'outbound', summary: 'Check-in call', ...body });
  assert.equal(r.status, status, r.text);
  return r;
}
async function rel(id, c = liaison) {
  const r = await c.get(`/api/v1/partners/${id}/relationship`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function count(partnerId) {
  const r = await liaison.get(`/api/v1/interactions?partner_id=${partnerId}&limit=500`);
  assert.equal(r.status, 200, r.text);
  return r.json.items.length;
}
// A past due date is refused on creation (issue 12 point 1); an overdue
// promise is one made earlier: created due today, then dated back.
async function commit(c, body, status = 201) {
  const past = status === 201 && body.due_on && body.due_on < todayUtc();
  const r = await c.post('/api/v1/commitments', past ? { ...body, due_on: todayUtc() } : body);
  assert.equal(r.status, status, r.text);
  if (!past) return r.json;
  const back = await c.patch(`/api/v1/commitments/${r.json.id}`, { due_on: body.due_on });
  assert.equal(back.status, 200, back.text);
  return back.json;
}
test('a due date in the past is refused on creation, for commitments and goals; nothing is stored', async () => {
  const p = await newPartner(liaison, { name: 'Past Dates Clinic' });
  const yesterday = new Date(Date.now() - 2 * 86400e3).toISOString().slice(0, 10);
  const before = (await liaison.get(`/api/v1/commitments?partner_id=${p.id}`)).json.items.length;
  let r = await liaison.post('/api/v1/commitments', { partner_id: p.id, title: 'Too late', due_on: yesterday });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'due_on');
  assert.match(r.json.error.message, /past/);
  assert.equal((await liaison.get(`/api/v1/commitments?partner_id=${p.id}`)).json.items.length, before);
  r = await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'ours', title: 'Old goal', target_on: '2020-01-01' });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.field, 'target_on');
  assert.equal((await liaison.get(`/api/v1/partners/${p.id}/goals`)).json.items.length, 0);
  // Today is fine, and a goal already made may be dated back (a correction).
  r = await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'ours', title: 'New goal', target_on: todayUtc() });
  assert.equal(r.status, 201, r.text);
  r = await liaison.patch(`/api/v1/goals/${r.json.id}`, { target_on: '2020-01-01' });
  assert.equal(r.status, 200, r.text);
});

async function patchCommit(id, body) {
  const r = await liaison.patch(`/api/v1/commitments/${id}`, body);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('a liaison owns the partners they create', async () => {
  const p = await newPartner(liaison, { name: 'Owned Clinic' });
  assert.equal(p.owner_id, me.liaison);
  assert.equal(p.stage, 'prospect');
});

test('logging an interaction: defaults', async () => {
  const p = await newPartner(liaison, { name: 'Defaults Clinic' });
  const before = Date.now();
  const r = await log(liaison, { partner_id: p.id, summary: 'مكالمة تعريفية' });
  const ix = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/interactions/${ix.id}`);
  assert.equal(ix.partner_id, p.id);
  assert.equal(ix.user_id, me.liaison, 'who of us defaults to the signed-in user');
  assert.equal(ix.contact_id, null);
  assert.equal(ix.follow_up_at, null);
  assert.equal(ix.awaiting, null);
  assert.equal(ix.responded_at, null);
  assert.equal(ix.summary, 'مكالمة تعريفية');
  assert.ok(Math.abs(ms(ix.occurred_at) - before) < 60e3, `occurred_at defaults to now: ${ix.occurred_at}`);
  const g = await liaison.get(`/api/v1/interactions/${ix.id}`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json.history, []);
  // user_id may name another of us
  const other = await log(manager, { partner_id: p.id, user_id: me.liaison, kind: 'lunch', direction: 'inbound' });
  assert.equal(other.json.user_id, me.liaison);
  assert.equal(other.json.kind, 'lunch');
  // lists: newest first, filters
  const l = await liaison.get(`/api/v1/interactions?partner_id=${p.id}`);
  assert.deepEqual(l.json.items.map((i) => i.id), [other.json.id, ix.id]);
  const k = await liaison.get(`/api/v1/interactions?partner_id=${p.id}&kind=lunch`);
  assert.deepEqual(k.json.items.map((i) => i.id), [other.json.id]);
  const u = await liaison.get(`/api/v1/interactions?partner_id=${p.id}&user_id=${me.manager}`);
  assert.deepEqual(u.json.items, []);
});

test('logging an interaction: bad input is refused naming the field, nothing stored', async () => {
  const p = await newPartner(liaison, { name: 'Validation Clinic' });
  const q = await newPartner(liaison, { name: 'Other Clinic' });
  const ct = await liaison.post(`/api/v1/partners/${q.id}/contacts`, { name: 'Someone Else' });
  assert.equal(ct.status, 201, ct.text);
  const mine = await liaison.post(`/api/v1/partners/${p.id}/contacts`, { name: 'Mine' });
  const now = Date.now();
  const cases = [
    [{ partner_id: p.id, occurred_at: iso(now - 2 * D), follow_up_at: iso(now - 3 * D) }, 'follow_up_at'],
    [{ partner_id: p.id, occurred_at: iso(now - 2 * D), responded_at: iso(now - 3 * D), awaiting: 'them' }, 'responded_at'],
    [{ partner_id: p.id, contact_id: ct.json.id }, 'contact_id'],
    [{ partner_id: p.id, contact_id: 999999999 }, 'contact_id'],
    [{ partner_id: 999999999 }, 'partner_id'],
    [{ partner_id: p.id, occurred_at: iso(now + 3 * D) }, 'occurred_at'],
    [{ partner_id: p.id, user_id: 999999999 }, 'user_id'],
    [{ partner_id: p.id, kind: 'telegram' }, 'kind'],
    [{ partner_id: p.id, direction: 'sideways' }, 'direction'],
    [{ partner_id: p.id, awaiting: 'nobody' }, 'awaiting'],
    [{ partner_id: p.id, occurred_at: 'yesterday' }, 'occurred_at'],
    [{ partner_id: p.id, colour: 'red' }, 'colour'],
    [{ partner_id: p.id, summary: '' }, 'summary'],
  ];
  for (const [body, field] of cases) {
    const r = await log(liaison, body, 422);
    assert.equal(r.json.error.code, 'validation_failed', JSON.stringify(body));
    assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${r.text}`);
  }
  assert.equal(await count(p.id), 0, 'nothing stored');
  // the contact of the partner itself is fine; follow-up at the same time too
  const ok = await log(liaison, { partner_id: p.id, contact_id: mine.json.id, occurred_at: iso(now - D), follow_up_at: iso(now - D) });
  assert.equal(ok.json.contact_id, mine.json.id);
  // a patch is held to the same rules and changes nothing when refused
  const bad = await liaison.patch(`/api/v1/interactions/${ok.json.id}`, { follow_up_at: iso(now - 2 * D), summary: 'changed' });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.field, 'follow_up_at');
  const bad2 = await liaison.patch(`/api/v1/interactions/${ok.json.id}`, { contact_id: ct.json.id });
  assert.equal(bad2.status, 422, bad2.text);
  assert.equal(bad2.json.error.field, 'contact_id');
  const g = await liaison.get(`/api/v1/interactions/${ok.json.id}`);
  assert.equal(g.json.summary, 'Check-in call');
  assert.deepEqual(g.json.history, []);
});

test('editing an interaction keeps the previous versions', async () => {
  const p = await newPartner(liaison, { name: 'History Clinic' });
  const occurred = iso(Date.now() - 5 * H);
  const ix = (await log(liaison, { partner_id: p.id, occurred_at: occurred, summary: 'first', awaiting: 'them' })).json;
  const r1 = await liaison.patch(`/api/v1/interactions/${ix.id}`, { summary: 'second', responded_at: iso(ms(occurred) + H) });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.json.summary, 'second');
  assert.equal(r1.json.history.length, 1);
  const r2 = await manager.patch(`/api/v1/interactions/${ix.id}`, { kind: 'email' });
  assert.equal(r2.status, 200, r2.text);
  const g = await liaison.get(`/api/v1/interactions/${ix.id}`);
  assert.equal(g.status, 200);
  assert.equal(g.json.summary, 'second');
  assert.equal(g.json.kind, 'email');
  assert.equal(g.json.responded_at, iso(ms(occurred) + H));
  assert.equal(g.json.history.length, 2);
  const [h1, h2] = g.json.history;
  assert.equal(h1.changed_by, me.liaison);
  assert.equal(h1.previous.summary, 'first');
  assert.equal(h1.previous.responded_at, null);
  assert.equal(h1.previous.kind, 'call');
  assert.equal(h2.changed_by, me.manager);
  assert.equal(h2.previous.summary, 'second');
  assert.equal(h2.previous.kind, 'call');
  assert.ok(ms(h1.changed_at) <= ms(h2.changed_at));
  const nf = await liaison.get('/api/v1/interactions/999999999');
  assert.equal(nf.status, 404);
});

test('check-in: due cadence days after the last interaction, or after the partner was added', async () => {
  const p = await newPartner(liaison, { name: 'Daily Clinic', checkin_days: 1 });
  let r = await rel(p.id);
  assert.equal(r.checkin.cadence_days, 1);
  assert.equal(r.checkin.last_interaction_at, null);
  assert.equal(r.checkin.next_at, iso(ms(p.created_at) + D), 'one day after creation');
  assert.ok(['today', 'week'].includes(r.checkin.bucket), r.checkin.bucket);
  const occurred = iso(Date.now() - 2 * H);
  await log(liaison, { partner_id: p.id, occurred_at: occurred });
  r = await rel(p.id);
  assert.equal(r.checkin.last_interaction_at, occurred);
  assert.equal(r.checkin.next_at, iso(ms(occurred) + D), 'a day after the interaction');
  assert.equal(r.checkin.bucket, 'today');
  // an older interaction does not move it back
  await log(liaison, { partner_id: p.id, occurred_at: iso(Date.now() - 10 * D) });
  assert.equal((await rel(p.id)).checkin.next_at, iso(ms(occurred) + D));

  // overdue
  const o = await newPartner(liaison, { name: 'Neglected Clinic', checkin_days: 2 });
  const old = iso(Date.now() - 3 * D);
  await log(liaison, { partner_id: o.id, occurred_at: old });
  r = await rel(o.id);
  assert.equal(r.checkin.next_at, iso(ms(old) + 2 * D));
  assert.equal(r.checkin.bucket, 'overdue');

  // a new partner's checkin_days defaults to null: the default of its stage
  const d = await newPartner(liaison, { name: 'Default cadence', stage: 'prospect' });
  assert.equal(d.checkin_days, null);
  assert.equal(d.checkin_days_effective, 14);
  assert.equal((await rel(d.id)).checkin.cadence_days, 14);
  // without checkin_days the default cadence follows the stage
  for (const [stage, days] of [['prospect', 14], ['contacted', 14], ['meeting', 21], ['active', 30], ['inactive', 90]]) {
    const s = await newPartner(liaison, { name: `Stage ${stage}`, stage, checkin_days: null });
    assert.equal(s.checkin_days, null);
    assert.equal(s.checkin_days_effective, days, stage);
    r = await rel(s.id);
    assert.equal(r.checkin.cadence_days, days, stage);
    assert.equal(r.checkin.next_at, iso(ms(s.created_at) + days * D), stage);
    assert.equal(r.checkin.bucket, 'later', stage);
  }
  const lost = await newPartner(liaison, { name: 'Lost Clinic', stage: 'lost', checkin_days: 5 });
  assert.deepEqual([lost.checkin_days, lost.checkin_days_effective], [5, null]);
  r = await rel(lost.id);
  assert.equal(r.checkin.cadence_days, 0);
  assert.equal(r.checkin.next_at, null);
  assert.equal(r.checkin.bucket, 'none');
  assert.equal((await liaison.get('/api/v1/partners/999999999/relationship')).status, 404);
});

test('responsiveness: median answer time each way', async () => {
  const p = await newPartner(liaison, { name: 'Responsive Clinic' });
  let r = await rel(p.id);
  assert.deepEqual(r.responsiveness, { ours: { median_hours: null, count: 0 }, theirs: { median_hours: null, count: 0 } });
  const t = Date.now() - 20 * D;
  // awaiting us: answered after 2 h, 9 h and (by a later edit) 4 h
  await log(liaison, { partner_id: p.id, direction: 'inbound', occurred_at: iso(t), awaiting: 'us', responded_at: iso(t + 2 * H) });
  await log(liaison, { partner_id: p.id, direction: 'inbound', occurred_at: iso(t + D), awaiting: 'us', responded_at: iso(t + D + 9 * H) });
  const later = (await log(liaison, { partner_id: p.id, direction: 'inbound', occurred_at: iso(t + 2 * D), awaiting: 'us' })).json;
  // awaiting them: 10 h and 21 h; one still unanswered
  await log(liaison, { partner_id: p.id, occurred_at: iso(t + 3 * D), awaiting: 'them', responded_at: iso(t + 3 * D + 10 * H) });
  await log(liaison, { partner_id: p.id, occurred_at: iso(t + 4 * D), awaiting: 'them', responded_at: iso(t + 4 * D + 21 * H) });
  await log(liaison, { partner_id: p.id, occurred_at: iso(t + 5 * D), awaiting: 'them' });
  // not a request: ignored
  await log(liaison, { partner_id: p.id, occurred_at: iso(t + 6 * D), responded_at: iso(t + 6 * D + 100 * H) });
  r = await rel(p.id);
  assert.deepEqual(r.responsiveness.ours, { median_hours: 5.5, count: 2 });
  assert.deepEqual(r.responsiveness.theirs, { median_hours: 15.5, count: 2 });
  const e = await liaison.patch(`/api/v1/interactions/${later.id}`, { responded_at: iso(t + 2 * D + 4 * H) });
  assert.equal(e.status, 200, e.text);
  r = await rel(p.id);
  assert.deepEqual(r.responsiveness.ours, { median_hours: 4, count: 3 });
  assert.deepEqual(r.responsiveness.theirs, { median_hours: 15.5, count: 2 });
});

test('reliability: our commitments kept on time, late, and open past due', async () => {
  const p = await newPartner(liaison, { name: 'Reliable Clinic' });
  let r = await rel(p.id);
  assert.deepEqual(r.reliability, { percent: null, kept_on_time: 0, due: 0 });
  const onTime = await commit(liaison, { partner_id: p.id, title: 'Send brochure', due_on: dayUtc(3) });
  const sameDay = await commit(liaison, { partner_id: p.id, title: 'Call back', due_on: todayUtc() });
  const late = await commit(liaison, { partner_id: p.id, title: 'Send fax number', due_on: '2020-01-01' });
  const late2 = await commit(liaison, { partner_id: p.id, title: 'Visit', due_on: '2020-02-01' });
  const openOverdue = await commit(liaison, { partner_id: p.id, title: 'Update the form', due_on: '2020-03-01' });
  await commit(liaison, { partner_id: p.id, title: 'Lunch next year', due_on: '2099-01-01' });
  const theirs = await commit(liaison, { partner_id: p.id, title: 'They send reports', due_on: '2020-01-01', promised_by: 'partner' });
  const cancelled = await commit(liaison, { partner_id: p.id, title: 'Cancelled', due_on: '2020-01-01' });
  assert.equal(theirs.promised_by, 'partner');
  for (const c of [onTime, sameDay, late, late2]) {
    const d = await patchCommit(c.id, { status: 'done' });
    assert.equal(d.status, 'done');
    assert.ok(d.done_at, 'done_at recorded');
    assert.equal(d.overdue, false);
  }
  await patchCommit(cancelled.id, { status: 'cancelled' });
  r = await rel(p.id);
  // due: onTime, sameDay, late, late2 (done) + openOverdue; kept: onTime, sameDay
  assert.deepEqual(r.reliability, { percent: 40, kept_on_time: 2, due: 5 });
  await patchCommit(openOverdue.id, { status: 'cancelled' });
  r = await rel(p.id);
  assert.deepEqual(r.reliability, { percent: 50, kept_on_time: 2, due: 4 });
});

test('stage moves are kept with their dates', async () => {
  const p = await newPartner(liaison, { name: 'Pipeline Clinic', source: 'event', checkin_days: null });
  assert.equal(p.source, 'event');
  for (const stage of ['contacted', 'meeting', 'active']) {
    const r = await liaison.patch(`/api/v1/partners/${p.id}`, { stage });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, stage);
  }
  const again = await liaison.patch(`/api/v1/partners/${p.id}`, { stage: 'active', notes: 'same stage' });
  assert.equal(again.status, 200, again.text);
  const r = await rel(p.id);
  assert.deepEqual(r.stages.map((s) => [s.from, s.to, s.user_id]), [
    [null, 'prospect', me.liaison], ['prospect', 'contacted', me.liaison], ['contacted', 'meeting', me.liaison], ['meeting', 'active', me.liaison]]);
  for (let i = 1; i < r.stages.length; i++) assert.ok(ms(r.stages[i].at) >= ms(r.stages[i - 1].at));
  const g = (await liaison.get(`/api/v1/partners/${p.id}`)).json;
  assert.equal(g.stage_since, r.stages.at(-1).at);
  assert.equal(r.checkin.cadence_days, 30, 'the cadence follows the new stage');
});

test('timeline merges interactions, referrals, goals and stage moves, newest first', async () => {
  const p = await newPartner(liaison, { name: 'Timeline Clinic', specialty: 'Cardiology' });
  await log(liaison, { partner_id: p.id, occurred_at: iso(Date.now() - 3 * D), summary: 'old call' });
  const mid = (await log(liaison, { partner_id: p.id, kind: 'visit', occurred_at: iso(Date.now() - D), summary: 'visit' })).json;
  const goal = await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'ours', title: 'More referrals' });
  assert.equal(goal.status, 201, goal.text);
  const ref = await coord.post('/api/v1/referrals', { direction: 'outbound', partner_id: p.id, urgency: 'routine', reason: 'Review',
    patient: { mrn: `TL-${process.pid}`, given: 'Tim', family: 'Line' } });
  assert.equal(ref.status, 201, ref.text);
  const mv = await liaison.patch(`/api/v1/partners/${p.id}`, { stage: 'contacted' });
  assert.equal(mv.status, 200, mv.text);
  const r = await liaison.get(`/api/v1/partners/${p.id}/timeline`);
  assert.equal(r.status, 200, r.text);
  const items = r.json.items;
  for (let i = 1; i < items.length; i++) assert.ok(ms(items[i - 1].at) >= ms(items[i].at), `newest first at ${i}`);
  const kinds = new Set(items.map((i) => i.kind));
  for (const k of ['interaction', 'goal', 'stage', 'referral']) assert.ok(kinds.has(k), `has ${k}: ${JSON.stringify(items)}`);
  assert.deepEqual(items.filter((i) => i.kind === 'interaction').map((i) => [i.title, i.detail]), [['visit', 'visit'], ['call', 'old call']]);
  assert.equal(items.find((i) => i.kind === 'interaction').id, mid.id);
  const g = items.find((i) => i.kind === 'goal');
  assert.deepEqual([g.id, g.title, g.detail], [goal.json.id, 'open', 'More referrals']);
  // both stage moves may fall in the same second, so their order is not asserted
  assert.deepEqual(items.filter((i) => i.kind === 'stage').map((i) => [i.title, i.detail]).sort(), [['contacted', 'prospect'], ['prospect', null]]);
  assert.ok(items.filter((i) => i.kind === 'referral').every((i) => i.id === ref.json.id));
  assert.equal(items.at(-1).kind, 'interaction', 'the oldest is the call three days ago');
  assert.equal((await liaison.get('/api/v1/partners/999999999/timeline')).status, 404);
});

test('goals: create, list, update, validation', async () => {
  const p = await newPartner(liaison, { name: 'Goals Clinic' });
  const a = await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'theirs', title: 'أسرع تقارير' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.status, 'open');
  assert.equal(a.json.target_on, null);
  assert.equal(a.json.notes, null);
  assert.equal(a.json.partner_id, p.id);
  const b = await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'shared', title: 'Shorter waits', status: 'in_progress', target_on: '2027-03-31', notes: 'n' });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.target_on, '2027-03-31');
  for (const [body, field] of [[{ side: 'everyone', title: 'x' }, 'side'], [{ title: 'x' }, 'side'], [{ side: 'ours' }, 'title'],
    [{ side: 'ours', title: 'x', status: 'won' }, 'status'], [{ side: 'ours', title: 'x', target_on: '31/03/2027' }, 'target_on'],
    [{ side: 'ours', title: 'x', owner: 1 }, 'owner']]) {
    const r = await liaison.post(`/api/v1/partners/${p.id}/goals`, body);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  let l = await liaison.get(`/api/v1/partners/${p.id}/goals`);
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.items.map((g) => g.id), [a.json.id, b.json.id]);
  for (const s of ['in_progress', 'met', 'dropped', 'open']) {
    const u = await liaison.patch(`/api/v1/goals/${a.json.id}`, { status: s });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.status, s);
  }
  const u = await liaison.patch(`/api/v1/goals/${b.json.id}`, { notes: null, target_on: null, title: 'Waits under 2 weeks' });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual([u.json.notes, u.json.target_on, u.json.title, u.json.status], [null, null, 'Waits under 2 weeks', 'in_progress']);
  const bad = await liaison.patch(`/api/v1/goals/${b.json.id}`, { status: 'won' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'status');
  assert.equal((await liaison.patch('/api/v1/goals/999999999', { status: 'met' })).status, 404);
  assert.equal((await liaison.get('/api/v1/partners/999999999/goals')).status, 404);
  assert.equal((await liaison.post('/api/v1/partners/999999999/goals', { side: 'ours', title: 'x' })).status, 404);
  l = await clin.get(`/api/v1/partners/${p.id}/goals`);
  assert.equal(l.status, 200, 'partners.read suffices to read goals');
});

test('commitments: create, update, complete, list filters, overdue', async () => {
  const p = await newPartner(liaison, { name: 'Commitments Clinic' });
  const q = await newPartner(liaison, { name: 'Another Commitments Clinic' });
  const goal = (await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'ours', title: 'g' })).json;
  const otherGoal = (await liaison.post(`/api/v1/partners/${q.id}/goals`, { side: 'ours', title: 'g' })).json;
  const c = await commit(liaison, { partner_id: p.id, title: 'Send the form', due_on: dayUtc(5), goal_id: goal.id });
  assert.deepEqual([c.owner_id, c.promised_by, c.status, c.done_at, c.overdue, c.goal_id, c.referral_id, c.partner_name],
    [me.liaison, 'us', 'open', null, false, goal.id, null, 'Commitments Clinic']);
  const old = await commit(liaison, { partner_id: p.id, title: 'Overdue', due_on: '2020-05-05' });
  assert.equal(old.overdue, true);
  const mgr = await commit(manager, { partner_id: q.id, title: 'Manager owns', due_on: '2020-05-05', owner_id: me.manager });
  assert.equal(mgr.owner_id, me.manager);
  for (const [body, field] of [[{ partner_id: p.id, title: 'x', due_on: 'soon' }, 'due_on'], [{ partner_id: p.id, title: 'x' }, 'due_on'],
    [{ partner_id: 999999999, title: 'x', due_on: '2030-01-01' }, 'partner_id'],
    [{ partner_id: p.id, title: 'x', due_on: '2030-01-01', goal_id: otherGoal.id }, 'goal_id'],
    [{ partner_id: p.id, title: 'x', due_on: '2030-01-01', referral_id: 999999999 }, 'referral_id'],
    [{ partner_id: p.id, title: 'x', due_on: '2030-01-01', owner_id: 999999999 }, 'owner_id'],
    [{ partner_id: p.id, title: 'x', due_on: '2030-01-01', promised_by: 'them' }, 'promised_by'],
    [{ partner_id: p.id, title: '', due_on: '2030-01-01' }, 'title']]) {
    const r = await liaison.post('/api/v1/commitments', body);
    assert.equal(r.status, 422, `${JSON.stringify(body)} ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const ids = async (qs) => {
    const r = await liaison.get(`/api/v1/commitments?${qs}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items.map((i) => i.id);
  };
  assert.deepEqual(await ids(`partner_id=${p.id}`), [old.id, c.id], 'newest first');
  assert.deepEqual(await ids(`partner_id=${p.id}&overdue=true`), [old.id]);
  assert.deepEqual(await ids(`owner_id=${me.manager}`), [mgr.id]);
  const u = await patchCommit(c.id, { title: 'Send the new form', due_on: dayUtc(6) });
  assert.deepEqual([u.title, u.due_on, u.status], ['Send the new form', dayUtc(6), 'open']);
  const d = await patchCommit(old.id, { status: 'done' });
  assert.equal(d.status, 'done');
  assert.ok(Math.abs(ms(d.done_at) - Date.now()) < 60e3);
  assert.equal(d.overdue, false);
  assert.deepEqual(await ids(`partner_id=${p.id}&overdue=true`), []);
  assert.deepEqual(await ids(`partner_id=${p.id}&status=done`), [old.id]);
  assert.deepEqual(await ids(`partner_id=${p.id}&status=open`), [c.id]);
  const reopened = await patchCommit(old.id, { status: 'open' });
  assert.equal(reopened.done_at, null);
  assert.equal(reopened.overdue, true);
  const moved = await patchCommit(c.id, { owner_id: me.manager });
  assert.equal(moved.owner_id, me.manager);
  for (const [body, field] of [[{ status: 'kept' }, 'status'], [{ due_on: '2030-13-01' }, 'due_on'], [{ owner_id: 999999999 }, 'owner_id'], [{ partner_id: q.id }, 'partner_id']]) {
    const r = await liaison.patch(`/api/v1/commitments/${c.id}`, body);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await liaison.patch('/api/v1/commitments/999999999', { status: 'done' })).status, 404);
  for (const qs of ['status=maybe', 'owner_id=abc', 'partner_id=-1']) assert.equal((await liaison.get(`/api/v1/commitments?${qs}`)).status, 422, qs);
});

test('worklist: check-ins, follow-ups and commitments of the owner, overdue first', async () => {
  const now = Date.now();
  const due = (i) => (i.kind === 'commitment' ? ms(`${i.due_on}T23:59:59Z`) : ms(i.due_at));
  const wl = async (c, qs = '') => {
    const r = await c.get(`/api/v1/worklist${qs}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items;
  };
  const overdueCheckin = await newPartner(liaison, { name: 'WL Overdue Checkin', checkin_days: 8 });
  await log(liaison, { partner_id: overdueCheckin.id, occurred_at: iso(now - 9 * D) });
  const todayCheckin = await newPartner(liaison, { name: 'WL Today Checkin', checkin_days: 1 });
  const weekCheckin = await newPartner(liaison, { name: 'WL Week Checkin', checkin_days: 4 });
  await log(liaison, { partner_id: weekCheckin.id, occurred_at: iso(now - D) });
  const laterCheckin = await newPartner(liaison, { name: 'WL Later Checkin', checkin_days: 30 });
  const notMine = await newPartner(coord, { name: 'WL Not Mine', checkin_days: 1 });
  const fu = await newPartner(liaison, { name: 'WL Follow Up', checkin_days: 60 });
  const fuOverdue = (await log(liaison, { partner_id: fu.id, occurred_at: iso(now - 2 * D), follow_up_at: iso(now - H) })).json;
  const fu2 = await newPartner(liaison, { name: 'WL Follow Up Soon', checkin_days: 60 });
  const fuSoon = (await log(liaison, { partner_id: fu2.id, occurred_at: iso(now - 2 * D), follow_up_at: iso(now + D) })).json;
  const fu3 = await newPartner(liaison, { name: 'WL Follow Up Later', checkin_days: 60 });
  const fuLater = (await log(liaison, { partner_id: fu3.id, occurred_at: iso(now - 2 * D), follow_up_at: iso(now + 5 * D) })).json;
  const cp = await newPartner(liaison, { name: 'WL Commitments', checkin_days: 60 });
  const cOver = await commit(liaison, { partner_id: cp.id, title: 'Overdue promise', due_on: dayUtc(-3) });
  const cSoon = await commit(liaison, { partner_id: cp.id, title: 'Soon promise', due_on: dayUtc(3) });
  const cLater = await commit(liaison, { partner_id: cp.id, title: 'Later promise', due_on: dayUtc(30) });
  const cDone = await commit(liaison, { partner_id: cp.id, title: 'Done promise', due_on: dayUtc(-3) });
  await patchCommit(cDone.id, { status: 'done' });
  const cMgr = await commit(liaison, { partner_id: cp.id, title: 'Manager promise', due_on: dayUtc(-1), owner_id: me.manager });

  let items = await wl(liaison);
  const checkin = (id) => items.find((i) => i.kind === 'checkin' && i.partner_id === id);
  assert.deepEqual([checkin(overdueCheckin.id)?.bucket, checkin(overdueCheckin.id)?.overdue], ['overdue', true]);
  // due one day after creation: "today", or "week" while still in the second it was created
  assert.ok(['today', 'week'].includes(checkin(todayCheckin.id)?.bucket), JSON.stringify(checkin(todayCheckin.id)));
  assert.equal(checkin(todayCheckin.id).overdue, false);
  assert.equal(checkin(todayCheckin.id).due_at, iso(ms(todayCheckin.created_at) + D));
  assert.equal(checkin(todayCheckin.id).partner_name, 'WL Today Checkin');
  assert.equal(checkin(todayCheckin.id).last_interaction_at, null);
  assert.deepEqual([checkin(weekCheckin.id)?.bucket, checkin(weekCheckin.id)?.overdue], ['week', false]);
  assert.equal(checkin(laterCheckin.id), undefined, 'not due this week');
  assert.equal(checkin(notMine.id), undefined, 'only partners the person owns');
  const follow = (id) => items.find((i) => i.kind === 'follow_up' && i.interaction_id === id);
  assert.deepEqual([follow(fuOverdue.id)?.overdue, follow(fuOverdue.id)?.partner_id, follow(fuOverdue.id)?.due_at], [true, fu.id, fuOverdue.follow_up_at]);
  assert.equal(follow(fuSoon.id)?.overdue, false);
  assert.equal(follow(fuLater.id), undefined, 'beyond two days');
  const promise = (id) => items.find((i) => i.kind === 'commitment' && i.commitment_id === id);
  assert.deepEqual([promise(cOver.id)?.overdue, promise(cOver.id)?.title, promise(cOver.id)?.due_on], [true, 'Overdue promise', dayUtc(-3)]);
  assert.equal(promise(cSoon.id)?.overdue, false);
  assert.equal(promise(cLater.id), undefined, 'beyond a week');
  assert.equal(promise(cDone.id), undefined, 'done');
  assert.equal(promise(cMgr.id), undefined, 'someone else\'s');
  // order: overdue first, then by due time
  const firstNotOverdue = items.findIndex((i) => !i.overdue);
  assert.ok(firstNotOverdue > 0);
  assert.ok(items.slice(firstNotOverdue).every((i) => !i.overdue), 'overdue first');
  for (let i = 1; i < items.length; i++) {
    if (items[i - 1].overdue === items[i].overdue) assert.ok(due(items[i - 1]) <= due(items[i]), `sorted by due at ${i}: ${JSON.stringify(items.slice(i - 1, i + 1))}`);
  }

  // logging a call moves the check-in out; a later interaction settles the follow-up
  await log(liaison, { partner_id: overdueCheckin.id });
  await log(liaison, { partner_id: fu.id });
  items = await wl(liaison);
  assert.equal(checkin(overdueCheckin.id), undefined);
  assert.equal(follow(fuOverdue.id), undefined);
  // the rule holds through edits too: a later interaction settles a follow-up,
  // and moving it back before the follow-up's interaction reopens it
  const settle = (await log(liaison, { partner_id: fu2.id, occurred_at: iso(now - D) })).json;
  items = await wl(liaison);
  assert.equal(follow(fuSoon.id), undefined, 'settled by a later interaction');
  const moved = await liaison.patch(`/api/v1/interactions/${settle.id}`, { occurred_at: iso(now - 3 * D) });
  assert.equal(moved.status, 200, moved.text);
  items = await wl(liaison);
  assert.equal(follow(fuSoon.id)?.overdue, false, 'open again once nothing later remains');

  // whose worklist
  const asMgr = await wl(manager, `?owner_id=${me.liaison}`);
  assert.ok(asMgr.some((i) => i.kind === 'checkin' && i.partner_id === todayCheckin.id), 'a manager sees the liaison\'s');
  assert.ok(asMgr.some((i) => i.kind === 'commitment' && i.commitment_id === cOver.id));
  const mgrOwn = await wl(manager);
  assert.ok(!mgrOwn.some((i) => i.kind === 'checkin' && i.partner_id === todayCheckin.id));
  assert.ok(mgrOwn.some((i) => i.kind === 'commitment' && i.commitment_id === cMgr.id));
  assert.ok((await wl(admin, `?owner_id=${me.liaison}`)).some((i) => i.kind === 'checkin' && i.partner_id === todayCheckin.id));
  assert.ok((await wl(liaison, `?owner_id=${me.liaison}`)).some((i) => i.kind === 'checkin' && i.partner_id === todayCheckin.id));
  for (const c of [liaison, coord, clin]) {
    const r = await c.get(`/api/v1/worklist?owner_id=${me.manager}`);
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'forbidden');
  }
  assert.equal((await manager.get('/api/v1/worklist?owner_id=abc')).status, 422);
});

test('permissions: a liaison changes only partners they own; a clinician only reads', async () => {
  const theirs = await newPartner(coord, { name: 'Coordinator Partner' });
  const ownedByManager = await newPartner(liaison, { name: 'Given Away', owner_id: me.manager });
  assert.equal(ownedByManager.owner_id, me.manager);
  const mine = await newPartner(liaison, { name: 'Permissions Mine' });
  for (const p of [theirs, ownedByManager]) {
    const r = await log(liaison, { partner_id: p.id }, 403);
    assert.equal(r.json.error.code, 'forbidden');
    assert.equal(await count(p.id), 0, 'nothing stored');
    assert.equal((await liaison.post(`/api/v1/partners/${p.id}/goals`, { side: 'ours', title: 'x' })).status, 403);
    assert.equal((await liaison.post('/api/v1/commitments', { partner_id: p.id, title: 'x', due_on: '2030-01-01' })).status, 403);
  }
  // managers and coordinators change any partner's log, goals and commitments
  const ix = (await log(manager, { partner_id: theirs.id })).json;
  await log(coord, { partner_id: mine.id });
  const goal = (await manager.post(`/api/v1/partners/${theirs.id}/goals`, { side: 'ours', title: 'x' })).json;
  const cm = await commit(manager, { partner_id: theirs.id, title: 'x', due_on: '2030-01-01' });
  // ... but a liaison cannot edit them there
  assert.equal((await liaison.patch(`/api/v1/interactions/${ix.id}`, { summary: 'mine now' })).status, 403);
  assert.equal((await liaison.patch(`/api/v1/goals/${goal.id}`, { status: 'met' })).status, 403);
  assert.equal((await liaison.patch(`/api/v1/commitments/${cm.id}`, { status: 'done' })).status, 403);
  const g = await liaison.get(`/api/v1/interactions/${ix.id}`);
  assert.equal(g.json.summary, 'Check-in call');
  assert.deepEqual(g.json.history, []);
  // reading is allowed
  assert.equal((await liaison.get(`/api/v1/partners/${theirs.id}/relationship`)).status, 200);
  assert.equal((await liaison.get(`/api/v1/partners/${theirs.id}/timeline`)).status, 200);
  // a clinician reads but cannot write
  assert.equal((await clin.get(`/api/v1/interactions?partner_id=${mine.id}`)).status, 200);
  assert.equal((await clin.get(`/api/v1/partners/${mine.id}/relationship`)).status, 200);
  assert.equal((await clin.get(`/api/v1/commitments?partner_id=${mine.id}`)).status, 200);
  for (const [m, path, body] of [['POST', '/api/v1/interactions', { partner_id: mine.id, kind: 'call', direction: 'outbound', summary: 'x' }],
    ['PATCH', `/api/v1/interactions/${ix.id}`, { summary: 'x' }], ['POST', `/api/v1/partners/${mine.id}/goals`, { side: 'ours', title: 'x' }],
    ['PATCH', `/api/v1/goals/${goal.id}`, { status: 'met' }], ['POST', '/api/v1/commitments', { partner_id: mine.id, title: 'x', due_on: '2030-01-01' }],
    ['PATCH', `/api/v1/commitments/${cm.id}`, { status: 'done' }]]) {
    const r = await clin.request(m, path, body);
    assert.equal(r.status, 403, `${m} ${path}: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
});

test('reliability per owner: our commitments kept on time, across partners', async () => {
  const a = await newPartner(manager, { name: 'Rel Owner A' });
  const b = await newPartner(manager, { name: 'Rel Owner B' });
  const mk = async (partner, due_on, body = {}) => {
    return commit(manager, { partner_id: partner.id, title: 'Send the report', due_on, owner_id: me.clin, ...body });
  };
  const onTime = await mk(a, dayUtc(3));
  await mk(b, dayUtc(-5)); // open and overdue: due, not kept
  await mk(b, dayUtc(-5), { promised_by: 'partner' }); // theirs: not counted
  await mk(a, dayUtc(10)); // open, not yet due: not counted
  assert.equal((await manager.patch(`/api/v1/commitments/${onTime.id}`, { status: 'done' })).status, 200);
  const r = await manager.get(`/api/v1/reliability?owner_id=${me.clin}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { percent: 50, kept_on_time: 1, due: 2, owner_id: me.clin });
  const pa = await manager.get(`/api/v1/reliability?partner_id=${a.id}`);
  assert.deepEqual(pa.json, { percent: 100, kept_on_time: 1, due: 1, partner_id: a.id });
  for (const q of ['', `?owner_id=${me.clin}&partner_id=${a.id}`, '?owner_id=abc']) {
    const bad = await manager.get(`/api/v1/reliability${q}`);
    assert.equal(bad.status, 422, q);
  }
  assert.equal((await new Client(srv.url).get(`/api/v1/reliability?owner_id=${me.clin}`)).status, 401);
});

test('cadence defaults per stage: configurable; partners without their own follow them, the worklist too', async () => {
  const builtin = { prospect: 14, contacted: 14, meeting: 21, active: 30, inactive: 90 };
  let g = await liaison.get('/api/v1/settings/cadence');
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, builtin);
  const own = await newPartner(liaison, { name: 'Cadence Own', stage: 'meeting', checkin_days: 40 });
  const meeting = await newPartner(liaison, { name: 'Cadence Meeting', stage: 'meeting' });
  const inactive = await newPartner(liaison, { name: 'Cadence Inactive', stage: 'inactive' });
  assert.deepEqual([own.checkin_days_effective, meeting.checkin_days_effective, inactive.checkin_days_effective], [40, 21, 90]);
  // last seen 10 days ago: not due on a 21-day cadence, overdue on a weekly one
  await log(liaison, { partner_id: meeting.id, occurred_at: iso(Date.now() - 10 * D) });
  await log(liaison, { partner_id: own.id, occurred_at: iso(Date.now() - 10 * D) });
  const due = async () => (await liaison.get('/api/v1/worklist')).json.items.filter((i) => i.kind === 'checkin').map((i) => i.partner_id);
  assert.ok(!(await due()).includes(meeting.id));

  // only admins change them; every stage is needed, 0 to 365 days
  for (const c of [liaison, manager, coord]) assert.equal((await c.put('/api/v1/settings/cadence', builtin)).status, 403);
  for (const [body, field] of [[{ ...builtin, meeting: 366 }, 'meeting'], [{ ...builtin, active: -1 }, 'active'],
    [{ prospect: 14 }, 'contacted'], [{ ...builtin, lost: 10 }, 'lost'], [{ ...builtin, inactive: '90' }, 'inactive']]) {
    const r = await admin.put('/api/v1/settings/cadence', body);
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  assert.deepEqual((await liaison.get('/api/v1/settings/cadence')).json, builtin, 'nothing stored');

  const weekly = { ...builtin, meeting: 7, inactive: 0 };
  const put = await admin.put('/api/v1/settings/cadence', weekly);
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, weekly);
  try {
    const m = (await liaison.get(`/api/v1/partners/${meeting.id}`)).json;
    assert.deepEqual([m.checkin_days, m.checkin_days_effective], [null, 7]);
    assert.equal((await liaison.get(`/api/v1/partners/${own.id}`)).json.checkin_days_effective, 40, 'its own cadence wins');
    assert.equal((await liaison.get(`/api/v1/partners/${inactive.id}`)).json.checkin_days_effective, null, '0: no check-ins');
    const listed = (await liaison.get('/api/v1/partners?stage=meeting&limit=500')).json.items.find((x) => x.id === meeting.id);
    assert.equal(listed.checkin_days_effective, 7);
    const r = await rel(meeting.id);
    assert.equal(r.checkin.cadence_days, 7);
    assert.equal(r.checkin.bucket, 'overdue');
    assert.equal((await rel(inactive.id)).checkin.bucket, 'none');
    const items = await due();
    assert.ok(items.includes(meeting.id), 'the worklist uses the effective cadence');
    assert.ok(!items.includes(own.id));
    assert.ok(!items.includes(inactive.id));
    // a partner's own cadence can be cleared back to the stage default
    const cleared = await liaison.patch(`/api/v1/partners/${own.id}`, { checkin_days: null });
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual([cleared.json.checkin_days, cleared.json.checkin_days_effective], [null, 7]);
  } finally {
    assert.equal((await admin.put('/api/v1/settings/cadence', builtin)).status, 200);
  }
});

test('users: names and roles for owner selectors; emails only for admins', async () => {
  const r = await liaison.get('/api/v1/users');
  assert.equal(r.status, 200, r.text);
  const byId = new Map(r.json.items.map((u) => [u.id, u]));
  for (const [k, role] of [['admin', 'admin'], ['manager', 'manager'], ['liaison', 'liaison'], ['coord', 'coordinator'], ['clin', 'clinician']]) {
    assert.deepEqual(byId.get(me[k]), { id: me[k], name: `Test ${role}`, role, active: true });
  }
  assert.ok(!r.text.includes('@test.local'), 'no emails for non-admins');
  assert.ok(!/hash|argon/i.test(r.text), 'never a password hash');
  const a = await admin.get('/api/v1/users');
  assert.equal(a.json.items.find((u) => u.id === me.liaison).email, 'liaison@test.local');
  assert.ok(!/argon/i.test(a.text));
  // keyset paging by id
  const seen = [];
  let cursor = null;
  do {
    const p = await manager.get(`/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(p.status, 200, p.text);
    assert.ok(p.json.items.length <= 2);
    seen.push(...p.json.items.map((u) => u.id));
    cursor = p.json.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [...seen].sort((x, y) => x - y));
  assert.deepEqual(seen, r.json.items.map((u) => u.id));
  const liaisons = await manager.get('/api/v1/users?role=liaison');
  assert.deepEqual(liaisons.json.items.map((u) => u.id), [me.liaison]);
  for (const q of ['role=chief', 'cursor=abc', 'limit=0']) assert.equal((await manager.get(`/api/v1/users?${q}`)).status, 422, q);
  assert.equal((await new Client(srv.url).get('/api/v1/users')).status, 401);
});

test('commitments link to a referral or a goal of the same partner', async () => {
  const p = await newPartner(coord, { name: 'Linked Clinic' });
  const q = await newPartner(coord, { name: 'Unlinked Clinic' });
  const mk = async (partner, mrn) => {
    const r = await coord.post('/api/v1/referrals', { direction: 'outbound', partner_id: partner.id, urgency: 'routine', reason: 'Review',
      patient: { mrn: `${mrn}-${process.pid}`, given: 'Link', family: 'Test' } });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const ref = await mk(p, 'LK1');
  const otherRef = await mk(q, 'LK2');
  const goal = (await coord.post(`/api/v1/partners/${p.id}/goals`, { side: 'shared', title: 'Joint pathway' })).json;
  const c1 = await commit(coord, { partner_id: p.id, title: 'Send the report', due_on: dayUtc(3), referral_id: ref.id });
  assert.deepEqual([c1.referral_id, c1.goal_id, c1.goal_title], [ref.id, null, null]);
  const c2 = await commit(coord, { partner_id: p.id, title: 'Draft the pathway', due_on: dayUtc(3), goal_id: goal.id });
  assert.deepEqual([c2.referral_id, c2.goal_id, c2.goal_title], [null, goal.id, 'Joint pathway']);
  const listed = (await coord.get(`/api/v1/commitments?partner_id=${p.id}`)).json.items;
  assert.equal(listed.find((c) => c.id === c2.id).goal_title, 'Joint pathway');
  const before = (await coord.get(`/api/v1/commitments?partner_id=${p.id}`)).json.items.length;
  const r = await coord.post('/api/v1/commitments', { partner_id: p.id, title: 'x', due_on: dayUtc(3), referral_id: otherRef.id });
  assert.equal(r.status, 422, r.text);
  assert.deepEqual([r.json.error.code, r.json.error.field], ['validation_failed', 'referral_id']);
  assert.equal((await coord.get(`/api/v1/commitments?partner_id=${p.id}`)).json.items.length, before, 'nothing stored');
  assert.equal((await coord.get(`/api/v1/commitments?partner_id=${q.id}`)).json.items.length, 0, 'nothing stored');
  // A link is changed later with PATCH: to the goal, away again, never to another partner's record.
  let m = await coord.patch(`/api/v1/commitments/${c1.id}`, { referral_id: null, goal_id: goal.id });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual([m.json.referral_id, m.json.goal_id, m.json.goal_title], [null, goal.id, 'Joint pathway']);
  m = await coord.patch(`/api/v1/commitments/${c1.id}`, { referral_id: otherRef.id, title: 'Not stored' });
  assert.equal(m.status, 422, m.text);
  assert.equal(m.json.error.field, 'referral_id');
  const kept = (await coord.get(`/api/v1/commitments?partner_id=${p.id}`)).json.items.find((c) => c.id === c1.id);
  assert.deepEqual([kept.referral_id, kept.goal_id, kept.title], [null, goal.id, 'Send the report'], 'nothing changed');
  m = await coord.patch(`/api/v1/commitments/${c1.id}`, { goal_id: null, referral_id: ref.id });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual([m.json.referral_id, m.json.goal_id], [ref.id, null]);
});

test('the timeline tells edited interactions and requests awaiting an answer', async () => {
  const p = await newPartner(liaison, { name: 'Awaiting Clinic' });
  const occurred = iso(Date.now() - 6 * H);
  const ix = (await log(liaison, { partner_id: p.id, occurred_at: occurred, summary: 'Asked for their on-call list', awaiting: 'them' })).json;
  let t = (await liaison.get(`/api/v1/partners/${p.id}/timeline`)).json.items.find((i) => i.kind === 'interaction');
  assert.deepEqual([t.direction, t.awaiting, t.responded_at, t.versions], ['outbound', 'them', null, 0]);
  const answered = iso(Date.now() - 2 * H);
  assert.equal((await liaison.patch(`/api/v1/interactions/${ix.id}`, { responded_at: answered })).status, 200);
  assert.equal((await liaison.patch(`/api/v1/interactions/${ix.id}`, { summary: 'Asked for their on-call list and rota' })).status, 200);
  t = (await liaison.get(`/api/v1/partners/${p.id}/timeline`)).json.items.find((i) => i.kind === 'interaction');
  assert.deepEqual([t.awaiting, t.responded_at, t.versions, t.detail], ['them', answered, 2, 'Asked for their on-call list and rota']);
  assert.deepEqual((await rel(p.id)).responsiveness.theirs, { median_hours: 4, count: 1 });
  // marking an older interaction as awaiting, later
  const plain = (await log(liaison, { partner_id: p.id, occurred_at: iso(Date.now() - 3 * H) })).json;
  const m = await liaison.patch(`/api/v1/interactions/${plain.id}`, { awaiting: 'us' });
  assert.equal(m.status, 200, m.text);
  assert.deepEqual([m.json.awaiting, m.json.responded_at, m.json.history.length], ['us', null, 1]);
});
