// Referrals (docs/api.md "Referrals", design/domain.md "Referral lifecycle"):
// the outbound and inbound happy paths, the event timeline, allowed moves
// against what the server accepts, refusals that change nothing, redirects,
// re-openings, patients matched by MRN, ICD-10 codes, strict bodies, list
// filters without clinical text, the permission table, the audit trail,
// appointments and service-level due times.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, signedIn, addUser } from '../lib/server.mjs';

let srv, admin, manager, liaison, coord, clin;
const ids = {}; // role -> user id
let cardio, ortho, third, fourth; // partners
const errorCode = (r) => r.json && r.json.error && r.json.error.code;
const errorField = (r) => r.json && r.json.error && r.json.error.field;
const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const MISSING = 999999999;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const FUTURE = iso(Date.now() + 7 * 86400e3);
const FUTURE2 = iso(Date.now() + 9 * 86400e3);
const JUST_NOW = () => iso(Date.now() - 60e3); // within the booking slack, and its time has come
let seq = 0;
// Fixed width, so that no MRN is a substring of another (patient search matches substrings).
const uniq = (p = 'MRN') => `${p}-${process.pid}-${String(++seq).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;

const STATES = ['draft', 'sent', 'received', 'info_requested', 'accepted', 'waitlisted', 'declined', 'redirected',
  'scheduled', 'seen', 'completed', 'cancelled', 'expired', 'failed', 'entered_in_error'];
// design/domain.md "Allowed moves".
const MOVES = {
  draft: ['sent', 'cancelled', 'entered_in_error'],
  sent: ['received', 'accepted', 'declined', 'info_requested', 'cancelled', 'expired'],
  received: ['info_requested', 'accepted', 'waitlisted', 'declined', 'redirected', 'cancelled'],
  info_requested: ['received', 'cancelled', 'expired'],
  accepted: ['scheduled', 'waitlisted', 'cancelled', 'failed'],
  waitlisted: ['scheduled', 'cancelled', 'failed'],
  scheduled: ['seen', 'accepted', 'cancelled', 'failed'],
  seen: ['completed'],
  declined: ['received'],
  completed: ['seen'],
  redirected: [], cancelled: [], expired: [], failed: [], entered_in_error: [],
};
// "set by" of domain.md: the sender's states; everything else but expired is the recipient's.
const SENDER_SET = new Set(['sent', 'cancelled', 'entered_in_error']);
const DECISIONS = new Set(['accepted', 'declined', 'redirected', 'completed']);
const EVENT_KEYS = ['id', 'at', 'user_id', 'user_name', 'on_behalf', 'kind', 'params', 'from', 'to', 'reason', 'note'].sort();
const ASSIGNEE_KEYS = ['assignee_id', 'assignee_name', 'receiving_clinician_id', 'receiving_clinician_name'];
const LIST_KEYS = ['id', 'direction', 'partner_id', 'partner_name', 'patient', 'urgency', 'specialty', 'status', 'due',
  'created_at', 'updated_at', ...ASSIGNEE_KEYS].sort();
const REFERRAL_KEYS = ['id', 'direction', 'partner_id', 'partner_name', 'patient', 'urgency', 'specialty',
  'care_responsibility', 'reason', 'diagnoses', 'diagnoses_detail', 'packet', 'status', 'completeness', 'due', 'allowed_transitions',
  'events', 'appointments', 'documents', 'redirected_from', 'redirected_to', 'created_at', 'updated_at',
  ...ASSIGNEE_KEYS].sort();

const FULL_PACKET = {
  history: 'Type 2 diabetes since 2015; hypertension',
  medications: 'Metformin 1 g twice daily; amlodipine 5 mg',
  allergies: 'Penicillin (rash)',
  results: 'ECG: sinus rhythm, ST depression V4-V6',
  treatment: 'Aspirin started',
  question: 'Stress test and management advice?',
};

before(async () => {
  srv = await startServer();
  [admin, manager, liaison, coord, clin] = await Promise.all(
    ['admin', 'manager', 'liaison', 'coordinator', 'clinician'].map((r) => signedIn(srv.url, r)));
  for (const [role, c] of Object.entries({ admin, manager, liaison, coordinator: coord, clinician: clin })) {
    ids[role] = (await c.get('/api/v1/me')).json.user.id;
  }
  const mk = async (body) => {
    const r = await coord.post('/api/v1/partners', body);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  cardio = await mk({ name: 'Riyadh Heart Centre', specialty: 'Cardiology', kind: 'hospital' });
  ortho = await mk({ name: 'مركز العظام التخصصي', specialty: 'Orthopaedics', kind: 'clinic' });
  third = await mk({ name: 'Dammam Cardiology Group', specialty: 'Cardiology' });
  fourth = await mk({ name: 'Filter Test Practice', specialty: 'Cardiology' });
});
after(async () => { await srv?.stop(); });

// ---- helpers ---------------------------------------------------------------

function body(over = {}) {
  return {
    direction: 'outbound',
    partner_id: cardio.id,
    patient: { mrn: uniq(), given: 'Layla', family: 'Haddad', birth_date: '1970-04-02', sex: 'female',
      phone: '+966 50 555 0101', language: 'ar', payer: 'Bupa' },
    urgency: 'routine',
    reason: 'Exertional chest pain',
    diagnoses: ['I20.9'],
    packet: { ...FULL_PACKET },
    ...over,
  };
}

async function create(c, over = {}) {
  const r = await c.post('/api/v1/referrals', body(over));
  assert.equal(r.status, 201, `create: ${r.text}`);
  return r.json;
}

async function get(id, c = coord) {
  const r = await c.get(`/api/v1/referrals/${id}`);
  assert.equal(r.status, 200, `GET referral ${id}: ${r.text}`);
  return r.json;
}

const move = (c, id, b) => c.post(`/api/v1/referrals/${id}/transitions`, b);

async function moveOk(c, id, b) {
  const r = await move(c, id, b);
  assert.equal(r.status, 200, `move ${id} to ${b.to}: ${r.text}`);
  assert.equal(r.json.status, b.to === 'redirected' ? 'redirected' : b.to);
  return r.json;
}

// Every field a move may need, so that only authority and state decide.
const everything = (to) => ({ to, note: 'recorded by the test', reason: 'test_reason', appointment_at: FUTURE,
  location: 'Clinic 4', redirect_partner_id: third.id, override_completeness: true });

const PATHS = {
  draft: [], sent: ['sent'], received: ['sent', 'received'], info_requested: ['sent', 'info_requested'],
  accepted: ['sent', 'accepted'], waitlisted: ['sent', 'accepted', 'waitlisted'], declined: ['sent', 'declined'],
  redirected: ['sent', 'received', 'redirected'], scheduled: ['sent', 'accepted', 'scheduled'],
  seen: ['sent', 'accepted', 'scheduled', 'seen'], completed: ['sent', 'accepted', 'scheduled', 'seen', 'completed'],
  cancelled: ['sent', 'cancelled'], failed: ['sent', 'accepted', 'failed'],
};

// A fresh referral in `state`, moved there by an admin (who may make every move).
async function reach(direction, state, over = {}) {
  const r = await create(admin, { direction, partner_id: direction === 'inbound' ? ortho.id : cardio.id, ...over });
  const path = direction === 'inbound' ? PATHS[state].filter((s) => s !== 'sent') : PATHS[state];
  assert.ok(direction === 'outbound' || state !== 'draft', 'inbound referrals never are drafts');
  for (const to of path) await moveOk(admin, r.id, everything(to));
  const g = await get(r.id, coord);
  assert.equal(g.status, state);
  return g;
}

function assertEvent(e, { from, to, user, onBehalf }) {
  assert.deepEqual(Object.keys(e).sort(), EVENT_KEYS, `event keys: ${JSON.stringify(e)}`);
  assert.ok(Number.isInteger(e.id) && e.id > 0);
  assert.match(e.at, RFC3339_UTC);
  assert.ok(Math.abs(Date.parse(e.at) - Date.now()) < 10 * 60e3, `event time is now: ${e.at}`);
  assert.equal(e.from, from, `event from: ${JSON.stringify(e)}`);
  assert.equal(e.to, to, `event to: ${JSON.stringify(e)}`);
  if (user) {
    assert.equal(e.user_id, ids[user], `event user: ${JSON.stringify(e)}`);
    assert.equal(e.user_name, `Test ${user}`);
  }
  if (onBehalf !== undefined) assert.equal(e.on_behalf, onBehalf, `on_behalf: ${JSON.stringify(e)}`);
}

// The timeline is a chain: each event starts where the previous one ended.
function assertChain(ref) {
  assert.ok(ref.events.length >= 1);
  assert.equal(ref.events[0].from, null);
  for (let i = 1; i < ref.events.length; i++) {
    assert.equal(ref.events[i].from, ref.events[i - 1].to, `event ${i} starts where ${i - 1} ended`);
    assert.ok(ref.events[i].id > ref.events[i - 1].id, 'events oldest first');
    assert.ok(Date.parse(ref.events[i].at) >= Date.parse(ref.events[i - 1].at));
  }
  assert.equal(ref.events.at(-1).to, ref.status, 'the last event is the current status');
}

const tos = (ref) => ref.allowed_transitions.map((t) => t.to);

// The moves domain.md gives a staff user (not admin) from `from`; entered_in_error
// is left to the server's decision (referral.h) and checked separately.
function expectedMoves(direction, from, role) {
  return MOVES[from].filter((to) => to !== 'expired' && to !== 'entered_in_error')
    .filter((to) => !(direction === 'inbound' && DECISIONS.has(to) && !['admin', 'clinician'].includes(role)));
}

// ---- happy paths -----------------------------------------------------------

test('outbound happy path as coordinator: draft → sent (override) → accepted (on behalf) → scheduled → seen → completed', async () => {
  const sparse = body({ diagnoses: [], packet: undefined, urgency: 'routine' });
  delete sparse.packet;
  let r = await coord.post('/api/v1/referrals', sparse);
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  let ref = r.json;
  assert.deepEqual(Object.keys(ref).sort(), REFERRAL_KEYS);
  assert.equal(ref.direction, 'outbound');
  assert.equal(ref.status, 'draft');
  assert.equal(ref.partner_id, cardio.id);
  assert.equal(ref.partner_name, 'Riyadh Heart Centre');
  assert.equal(ref.specialty, 'Cardiology', 'an outbound referral takes the partner\'s specialty');
  assert.equal(ref.urgency, 'routine');
  assert.equal(ref.care_responsibility, 'consult');
  assert.equal(ref.reason, 'Exertional chest pain');
  assert.deepEqual(ref.diagnoses, []);
  assert.deepEqual(ref.packet, { history: null, medications: null, allergies: null, results: null, treatment: null, question: null });
  assert.deepEqual(ref.patient, { id: ref.patient.id, ...sparse.patient });
  assert.equal(ref.due, null, 'no step runs for a draft');
  assert.equal(ref.redirected_from, null);
  assert.equal(ref.redirected_to, null);
  assert.deepEqual(ref.appointments, []);
  assert.deepEqual(ref.documents, []);
  assert.match(ref.created_at, RFC3339_UTC);
  assert.ok(ref.completeness.score < 70, `a sparse packet scores below 70: ${JSON.stringify(ref.completeness)}`);
  assert.equal(ref.completeness.threshold, 70);
  assert.equal(ref.completeness.overridden, false);
  for (const m of ['diagnoses', 'history', 'medications', 'allergies', 'results', 'question']) {
    assert.ok(ref.completeness.missing.includes(m), `${m} is missing: ${ref.completeness.missing}`);
  }
  assert.ok(!ref.completeness.missing.includes('reason'));
  assert.equal(ref.events.length, 1);
  assertEvent(ref.events[0], { from: null, to: 'draft', user: 'coordinator', onBehalf: false });
  assert.deepEqual(ref.allowed_transitions.filter((t) => t.to !== 'entered_in_error'),
    [{ to: 'sent', on_behalf: false }, { to: 'cancelled', on_behalf: false }]);
  assert.deepEqual(await get(ref.id), ref, 'GET shows what POST answered');

  // Below the threshold, sending needs the override — and a refusal changes nothing.
  r = await move(coord, ref.id, { to: 'sent' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorCode(r), 'validation_failed');
  assert.equal(errorField(r), 'override_completeness');
  assert.deepEqual(await get(ref.id), ref, 'refused send changed nothing');
  r = await move(coord, ref.id, { to: 'sent', override_completeness: false });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'override_completeness');

  ref = await moveOk(coord, ref.id, { to: 'sent', override_completeness: true });
  assert.equal(ref.completeness.overridden, true, 'the override is recorded');
  assert.equal(ref.events.length, 2);
  assertEvent(ref.events[1], { from: 'draft', to: 'sent', user: 'coordinator', onBehalf: false });
  assert.equal(ref.due.step, 'acknowledge');
  assert.deepEqual(ref.allowed_transitions.filter((t) => t.to !== 'entered_in_error'), [
    { to: 'received', on_behalf: true }, { to: 'info_requested', on_behalf: true },
    { to: 'accepted', on_behalf: true }, { to: 'declined', on_behalf: true }, { to: 'cancelled', on_behalf: false },
  ], 'the partner\'s steps are offered on its behalf');

  ref = await moveOk(coord, ref.id, { to: 'accepted', note: 'Their office called' });
  assertEvent(ref.events[2], { from: 'sent', to: 'accepted', user: 'coordinator', onBehalf: true });
  assert.equal(ref.events[2].note, 'Their office called');
  assert.equal(ref.due.step, 'schedule');

  r = await move(coord, ref.id, { to: 'scheduled' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'appointment_at');
  assert.deepEqual(await get(ref.id), ref, 'refused schedule changed nothing');

  ref = await moveOk(coord, ref.id, { to: 'scheduled', appointment_at: FUTURE, location: 'Riyadh Heart Centre, clinic 4' });
  assertEvent(ref.events[3], { from: 'accepted', to: 'scheduled', user: 'coordinator', onBehalf: true });
  assert.equal(ref.appointments.length, 1, 'scheduling books the appointment');
  assert.equal(ref.appointments[0].starts_at, FUTURE);
  assert.equal(ref.appointments[0].status, 'booked');
  assert.equal(ref.appointments[0].location, 'Riyadh Heart Centre, clinic 4');
  assert.equal(ref.due.step, 'see');

  ref = await moveOk(coord, ref.id, { to: 'seen' });
  assertEvent(ref.events[4], { from: 'scheduled', to: 'seen', user: 'coordinator', onBehalf: true });
  assert.equal(ref.due.step, 'report');

  r = await move(coord, ref.id, { to: 'completed' });
  assert.equal(r.status, 422, `completing without an outcome: ${r.text}`);
  assert.equal(errorField(r), 'note');
  assert.deepEqual(await get(ref.id), ref);

  ref = await moveOk(coord, ref.id, { to: 'completed', note: 'Stable angina; medical therapy' });
  assertEvent(ref.events[5], { from: 'seen', to: 'completed', user: 'coordinator', onBehalf: true });
  assert.equal(ref.events[5].note, 'Stable angina; medical therapy');
  assert.equal(ref.due, null, 'no step runs once the loop is closed');
  assert.deepEqual(ref.allowed_transitions.filter((t) => t.to !== 'entered_in_error'), [{ to: 'seen', on_behalf: true }]);
  assert.equal(ref.events.length, 6);
  assertChain(ref);
  assert.deepEqual(await get(ref.id), ref);
});

test('inbound happy path: sent → received → accepted (clinician) → scheduled → seen → completed (clinician)', async () => {
  const input = body({ direction: 'inbound', partner_id: ortho.id, urgency: 'urgent', reason: 'ألم في الركبة',
    patient: { mrn: uniq(), given: 'أحمد', family: 'الغامدي' } });
  let r = await coord.post('/api/v1/referrals', input);
  assert.equal(r.status, 201, r.text);
  let ref = r.json;
  assert.equal(ref.direction, 'inbound');
  assert.equal(ref.status, 'sent', 'an inbound referral starts as sent');
  assert.equal(ref.reason, 'ألم في الركبة', 'Arabic stored byte for byte');
  assert.equal(ref.patient.given, 'أحمد');
  assert.equal(ref.events.length, 1);
  assertEvent(ref.events[0], { from: null, to: 'sent', user: 'coordinator', onBehalf: true });
  assert.equal(ref.due.step, 'acknowledge');
  // A coordinator is not offered the clinical decisions of an inbound referral.
  assert.deepEqual(tos(ref).filter((t) => t !== 'entered_in_error'), ['received', 'info_requested', 'cancelled']);
  for (const t of ref.allowed_transitions) {
    if (t.to === 'received' || t.to === 'info_requested') assert.equal(t.on_behalf, false, 'our own steps');
    if (t.to === 'cancelled') assert.equal(t.on_behalf, true, 'the partner withdraws: on its behalf');
  }
  const asClin = await get(ref.id, clin);
  assert.deepEqual(tos(asClin).filter((t) => t !== 'entered_in_error'),
    ['received', 'info_requested', 'accepted', 'declined', 'cancelled']);

  ref = await moveOk(coord, ref.id, { to: 'received' });
  assertEvent(ref.events[1], { from: 'sent', to: 'received', user: 'coordinator', onBehalf: false });

  r = await move(coord, ref.id, { to: 'accepted' });
  assert.equal(r.status, 403, `a coordinator may not accept an inbound referral: ${r.text}`);
  assert.equal(errorCode(r), 'forbidden');
  assert.deepEqual(await get(ref.id), ref, 'the refused accept changed nothing');

  ref = await moveOk(clin, ref.id, { to: 'accepted', note: 'Seen the MRI; yes' });
  assertEvent(ref.events[2], { from: 'received', to: 'accepted', user: 'clinician', onBehalf: false });

  ref = await moveOk(coord, ref.id, { to: 'scheduled', appointment_at: FUTURE });
  assertEvent(ref.events[3], { from: 'accepted', to: 'scheduled', user: 'coordinator', onBehalf: false });
  assert.equal(ref.appointments.length, 1);
  ref = await moveOk(coord, ref.id, { to: 'seen' });
  assertEvent(ref.events[4], { from: 'scheduled', to: 'seen', user: 'coordinator', onBehalf: false });

  r = await move(coord, ref.id, { to: 'completed', note: 'Report sent' });
  assert.equal(r.status, 403, `a coordinator may not complete an inbound referral: ${r.text}`);
  assert.deepEqual(await get(ref.id), ref);
  ref = await moveOk(clin, ref.id, { to: 'completed', note: 'Report sent to the referring physician' });
  assertEvent(ref.events[5], { from: 'seen', to: 'completed', user: 'clinician', onBehalf: false });
  assertChain(ref);
});

// ---- allowed moves against what the server accepts --------------------------

const MATRIX = [
  ['outbound', 'draft', 'coordinator'], ['outbound', 'sent', 'coordinator'], ['outbound', 'received', 'coordinator'],
  ['outbound', 'accepted', 'coordinator'], ['outbound', 'scheduled', 'coordinator'], ['outbound', 'seen', 'coordinator'],
  ['outbound', 'completed', 'coordinator'], ['outbound', 'declined', 'coordinator'], ['outbound', 'cancelled', 'coordinator'],
  ['outbound', 'info_requested', 'clinician'], ['outbound', 'waitlisted', 'clinician'],
  ['inbound', 'sent', 'coordinator'], ['inbound', 'received', 'coordinator'], ['inbound', 'seen', 'coordinator'],
  ['inbound', 'sent', 'clinician'], ['inbound', 'received', 'clinician'], ['inbound', 'scheduled', 'clinician'],
  ['inbound', 'completed', 'clinician'], ['inbound', 'declined', 'clinician'], ['inbound', 'redirected', 'clinician'],
  ['outbound', 'completed', 'admin'], ['inbound', 'failed', 'admin'],
];

for (const [direction, state, role] of MATRIX) {
  test(`allowed_transitions = what the server accepts: ${direction} ${state} as ${role}`, async () => {
    const c = { coordinator: coord, clinician: clin, admin }[role];
    const ref = await reach(direction, state);
    const mine = await get(ref.id, c);
    const allowed = tos(mine);
    const wrongAllowed = [];
    assert.equal(new Set(allowed).size, allowed.length, 'each target once');
    if (role !== 'admin') {
      assert.deepEqual(allowed.filter((t) => t !== 'entered_in_error').sort(), expectedMoves(direction, state, role).sort(),
        `${direction} ${state} as ${role}: ${JSON.stringify(mine.allowed_transitions)}`);
    } else {
      for (const t of expectedMoves(direction, state, role)) assert.ok(allowed.includes(t), `admin may ${state}→${t}`);
      if (state !== 'entered_in_error') assert.ok(allowed.includes('entered_in_error'), 'an admin may void any referral');
    }
    for (const t of mine.allowed_transitions) {
      if (t.to === 'entered_in_error') continue;
      const partnersStep = direction === 'outbound' ? !SENDER_SET.has(t.to) : SENDER_SET.has(t.to);
      assert.equal(t.on_behalf, partnersStep, `${state}→${t.to} on_behalf`);
    }
    // Every move offered is accepted...
    for (const to of allowed) {
      const fresh = await reach(direction, state);
      const r = await move(c, fresh.id, everything(to));
      assert.equal(r.status, 200, `${direction} ${state}→${to} as ${role} was offered but refused: ${r.text}`);
      assert.equal(r.json.status, to);
      const last = r.json.events.at(-1);
      assertEvent(last, { from: state, to, user: role });
    }
    // ...and every move not offered is refused, changing nothing.
    for (const to of STATES.filter((s) => !allowed.includes(s))) {
      const r = await move(c, ref.id, everything(to));
      const isMove = MOVES[state].includes(to) || (to === 'entered_in_error' && state !== 'entered_in_error');
      if (isMove) {
        assert.ok([403, 409].includes(r.status), `${state}→${to} as ${role}: ${r.status} ${r.text}`);
        if (DECISIONS.has(to) && direction === 'inbound' && MOVES[state].includes(to)) {
          assert.equal(r.status, 403, `${state}→${to} needs referrals.decide: ${r.text}`);
          assert.equal(errorCode(r), 'forbidden');
        }
      } else {
        assert.equal(r.status, 409, `${state}→${to} as ${role} is not a move: ${r.status} ${r.text}`);
      }
      if (r.status === 409) {
        assert.equal(errorCode(r), 'invalid_transition');
        assert.ok(Array.isArray(r.json.error.allowed), `allowed[] present: ${r.text}`);
        const got = [...r.json.error.allowed].sort(), want = [...allowed].sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          wrongAllowed.push(`${state}→${to}: error.allowed ${JSON.stringify(got)}, allowed_transitions ${JSON.stringify(want)}`);
        }
      }
      assert.deepEqual(await get(ref.id, c), mine, `${state}→${to} refused: nothing changed`);
    }
    // Reported once, after every other check of this state has run.
    assert.deepEqual(wrongAllowed, [], `${direction} ${state} as ${role}: error.allowed must list the moves this user may make (= allowed_transitions)`);
  });
}

test('invalid moves answer 409 invalid_transition with allowed[]: draft→accepted, completed→cancelled, same state', async () => {
  const draft = await create(coord);
  for (const to of ['accepted', 'completed', 'scheduled', 'draft', 'seen']) {
    const r = await move(coord, draft.id, { to, note: 'x', reason: 'y', appointment_at: FUTURE });
    assert.equal(r.status, 409, `draft→${to}: ${r.text}`);
    assert.equal(errorCode(r), 'invalid_transition');
    assert.ok(r.json.error.allowed.includes('sent') && r.json.error.allowed.includes('cancelled'), r.text);
    assert.equal(typeof r.json.error.message, 'string');
  }
  assert.deepEqual(await get(draft.id), draft);
  const done = await reach('outbound', 'completed');
  const before = await get(done.id);
  for (const to of ['cancelled', 'accepted', 'sent', 'completed', 'draft']) {
    const r = await move(coord, done.id, { to, note: 'x' });
    assert.equal(r.status, 409, `completed→${to}: ${r.text}`);
    assert.equal(errorCode(r), 'invalid_transition');
    assert.deepEqual(r.json.error.allowed.filter((t) => t !== 'entered_in_error'), ['seen']);
  }
  assert.deepEqual(await get(done.id), before);
});

// ---- decline, redirect, re-open ---------------------------------------------

test('decline needs a reason: 422 field reason and nothing changed; with one it is recorded', async () => {
  const ref = await reach('inbound', 'received');
  const before = await get(ref.id, clin);
  for (const b of [{ to: 'declined' }, { to: 'declined', reason: '' }, { to: 'declined', reason: '   ' },
    { to: 'declined', reason: null, note: 'only a note' }]) {
    const r = await move(clin, ref.id, b);
    assert.equal(r.status, 422, `${JSON.stringify(b)}: ${r.text}`);
    assert.equal(errorCode(r), 'validation_failed');
    assert.equal(errorField(r), 'reason');
    assert.deepEqual(await get(ref.id, clin), before, 'status and events unchanged');
  }
  const done = await moveOk(clin, ref.id, { to: 'declined', reason: 'out_of_scope', note: 'We do not see children' });
  const e = done.events.at(-1);
  assertEvent(e, { from: 'received', to: 'declined', user: 'clinician', onBehalf: false });
  assert.equal(e.reason, 'out_of_scope');
  assert.equal(e.note, 'We do not see children');
  assert.equal(done.due, null);
});

test('re-opening declined→received and completed→seen needs a note', async () => {
  const declined = await reach('inbound', 'declined');
  const before = await get(declined.id, clin);
  let r = await move(clin, declined.id, { to: 'received' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'note');
  assert.deepEqual(await get(declined.id, clin), before);
  const reopened = await moveOk(clin, declined.id, { to: 'received', note: 'New imaging changes the picture' });
  assertEvent(reopened.events.at(-1), { from: 'declined', to: 'received', user: 'clinician' });
  assert.equal(reopened.events.at(-1).note, 'New imaging changes the picture');
  assert.ok(reopened.due && reopened.due.step, 're-opened: a step runs again');

  const completed = await reach('outbound', 'completed');
  r = await move(coord, completed.id, { to: 'seen' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'note');
  const seen = await moveOk(coord, completed.id, { to: 'seen', note: 'The report was for another patient' });
  assert.equal(seen.events.at(-1).from, 'completed');
  assert.equal(seen.due.step, 'report');
});

test('info_requested needs a note', async () => {
  const ref = await reach('inbound', 'sent');
  const r = await move(coord, ref.id, { to: 'info_requested' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'note');
  const moved = await moveOk(coord, ref.id, { to: 'info_requested', note: 'Please send the latest echo' });
  assert.equal(moved.events.at(-1).note, 'Please send the latest echo');
  assert.equal(moved.due.step, 'acknowledge');
});

test('redirect creates a linked referral to the new partner (redirected_to / redirected_from)', async () => {
  const ref = await reach('inbound', 'received', { reason: 'Knee pain', diagnoses: ['M17.11'] });
  const countBefore = (await admin.get('/api/v1/referrals?limit=500')).json.items.length;
  const before = await get(ref.id, clin);
  let r = await move(clin, ref.id, { to: 'redirected', note: 'Closer to home' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'redirect_partner_id');
  r = await move(clin, ref.id, { to: 'redirected', redirect_partner_id: MISSING });
  assert.equal(r.status, 422, `redirect to a partner that does not exist: ${r.text}`);
  assert.equal(errorField(r), 'redirect_partner_id');
  r = await move(clin, ref.id, { to: 'redirected', redirect_partner_id: 'x' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'redirect_partner_id');
  assert.equal((await admin.get('/api/v1/referrals?limit=500')).json.items.length, countBefore, 'no referral created by the refusals');
  assert.deepEqual(await get(ref.id, clin), before, 'the refusals changed nothing');

  const moved = await moveOk(clin, ref.id, { to: 'redirected', redirect_partner_id: third.id, note: 'Closer to home' });
  assert.ok(Number.isInteger(moved.redirected_to), `redirected_to set: ${moved.redirected_to}`);
  assert.notEqual(moved.redirected_to, ref.id);
  assert.equal(moved.redirected_from, null);
  assert.equal(moved.due, null);
  assert.deepEqual(tos(moved).filter((t) => t !== 'entered_in_error'), [], 'redirected is final');
  const linked = await get(moved.redirected_to, clin);
  assert.equal(linked.redirected_from, ref.id);
  assert.equal(linked.redirected_to, null);
  assert.equal(linked.partner_id, third.id);
  assert.equal(linked.partner_name, 'Dammam Cardiology Group');
  assert.equal(linked.patient.id, ref.patient.id, 'same patient');
  assert.equal(linked.reason, 'Knee pain', 'the packet travels with the patient');
  assert.deepEqual(linked.diagnoses, ['M17.11']);
  assert.deepEqual(linked.packet, ref.packet);
  assert.ok(STATES.includes(linked.status));
  assert.ok(linked.events.length >= 1);
  assert.equal((await admin.get('/api/v1/referrals?limit=500')).json.items.length, countBefore + 1);
});

// ---- patients -----------------------------------------------------------------

test('patients are matched by MRN; GET /patients/{id} lists their referrals; search by name or MRN', async () => {
  const mrn = uniq('P');
  const a = await create(coord, { patient: { mrn, given: 'Noura', family: 'Al-Qahtani', birth_date: '1985-01-31' } });
  const b = await create(coord, { direction: 'inbound', partner_id: ortho.id, patient: { mrn, given: 'Noura', family: 'Al-Qahtani' } });
  assert.equal(a.patient.id, b.patient.id, 'the same MRN is the same patient');
  assert.equal(b.patient.mrn, mrn);
  const other = await create(coord, { patient: { mrn: uniq('P'), given: 'Noura', family: 'Al-Qahtani' } });
  assert.notEqual(other.patient.id, a.patient.id, 'another MRN is another patient');
  const n1 = await create(coord, { patient: { given: 'No', family: 'MRN' } });
  const n2 = await create(coord, { patient: { given: 'No', family: 'MRN' } });
  assert.notEqual(n1.patient.id, n2.patient.id, 'without an MRN a new patient is created');
  assert.equal(n1.patient.mrn, null);

  const p = await coord.get(`/api/v1/patients/${a.patient.id}`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.id, a.patient.id);
  assert.equal(p.json.mrn, mrn);
  assert.equal(p.json.given, 'Noura');
  assert.equal(p.json.birth_date, '1985-01-31');
  assert.deepEqual(p.json.referrals.map((x) => x.id), [b.id, a.id], 'both referrals, newest first');
  for (const item of p.json.referrals) {
    assert.deepEqual(Object.keys(item).sort(), LIST_KEYS, 'list items, no clinical text');
    assert.equal(item.patient.id, a.patient.id);
  }
  assert.deepEqual((await coord.get(`/api/v1/patients/${other.patient.id}`)).json.referrals.map((x) => x.id), [other.id]);
  const missing = await coord.get(`/api/v1/patients/${MISSING}`);
  assert.equal(missing.status, 404);
  assert.equal(errorCode(missing), 'not_found');

  for (const q of [mrn, mrn.toLowerCase(), 'al-qahtani', 'NOURA']) {
    const s = await coord.get(`/api/v1/patients?q=${encodeURIComponent(q)}`);
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.items.some((x) => x.id === a.patient.id), `q=${q} finds the patient`);
    assert.ok('next_cursor' in s.json);
  }
  const s = await coord.get(`/api/v1/patients?q=${encodeURIComponent(mrn)}`);
  assert.deepEqual(s.json.items.map((x) => x.id), [a.patient.id], 'the MRN finds exactly that patient');
  const none = await coord.get(`/api/v1/patients?q=${encodeURIComponent('zz-nobody-' + mrn)}`);
  assert.deepEqual(none.json.items, []);
});

// ---- ICD-10 and strict bodies ---------------------------------------------------

test('ICD-10-CM: E11.9 and E119 are accepted and stored "E11.9"; anything else 422 naming the index', async () => {
  const a = await create(coord, { diagnoses: ['E11.9'] });
  assert.deepEqual(a.diagnoses, ['E11.9']);
  const b = await create(coord, { diagnoses: ['E119', 'i10', 'S06.0X1A'] });
  assert.deepEqual(b.diagnoses, ['E11.9', 'I10', 'S06.0X1A']);
  assert.deepEqual((await get(b.id)).diagnoses, ['E11.9', 'I10', 'S06.0X1A']);
  for (const [dx, field] of [[['XYZ'], 'diagnoses[0]'], [['E11.9', 'XYZ'], 'diagnoses[1]'], [['E11.'], 'diagnoses[0]'],
    [['E 11.9'], 'diagnoses[0]'], [[119], 'diagnoses[0]'], ['E11.9', 'diagnoses'],
    [Array.from({ length: 13 }, () => 'I10'), 'diagnoses']]) {
    const mrn = uniq();
    const r = await coord.post('/api/v1/referrals', body({ diagnoses: dx, patient: { mrn, given: 'A', family: 'B' } }));
    assert.equal(r.status, 422, `${JSON.stringify(dx)}: ${r.text}`);
    assert.equal(errorCode(r), 'validation_failed');
    assert.equal(errorField(r), field, `${JSON.stringify(dx)}`);
    const p = await coord.get(`/api/v1/patients?q=${encodeURIComponent(mrn)}`);
    assert.deepEqual(p.json.items.filter((x) => x.mrn === mrn), [], 'not even the patient was stored');
  }
  // A code of the right shape that the ICD-10-CM table does not have is
  // refused by name (issue 12 point 2); each code is answered with its description.
  for (const [dx, field, code] of [[['I20.99'], 'diagnoses[0]', 'I20.99'], [['E11.9', 'e1199'], 'diagnoses[1]', 'E11.99'],
    [['S72.00XA'], 'diagnoses[0]', 'S72.00XA']]) {
    const mrn = uniq();
    const r = await coord.post('/api/v1/referrals', body({ diagnoses: dx, patient: { mrn, given: 'A', family: 'B' } }));
    assert.equal(r.status, 422, `${JSON.stringify(dx)}: ${r.text}`);
    assert.equal(errorField(r), field);
    assert.ok(r.json.error.message.includes(`${code} is not an ICD-10-CM code`), r.text);
    const p = await coord.get(`/api/v1/patients?q=${encodeURIComponent(mrn)}`);
    assert.deepEqual(p.json.items.filter((x) => x.mrn === mrn), [], 'not even the patient was stored');
  }
  assert.deepEqual(b.diagnoses_detail, [
    { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' },
    { code: 'I10', description: 'Essential (primary) hypertension' },
    { code: 'S06.0X1A', description: 'Concussion with loss of consciousness of 30 minutes or less' },
  ]);
  const ext = await create(coord, { diagnoses: ['S72001A', 'T78.40XA'] });
  assert.deepEqual(ext.diagnoses_detail.map((d) => [d.code, d.description]), [
    ['S72.001A', 'Fracture of unspecified part of neck of right femur'], ['T78.40XA', 'Allergy, unspecified']]);
  const patched = await coord.patch(`/api/v1/referrals/${a.id}`, { diagnoses: ['E119', 'I20.9'] });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.json.diagnoses, ['E11.9', 'I20.9']);
  const bad = await coord.patch(`/api/v1/referrals/${a.id}`, { diagnoses: ['I20.9', 'nope'] });
  assert.equal(bad.status, 422);
  assert.equal(errorField(bad), 'diagnoses[1]');
  assert.deepEqual((await get(a.id)).diagnoses, ['E11.9', 'I20.9']);
  const unknown = await coord.patch(`/api/v1/referrals/${a.id}`, { diagnoses: ['I20.99'] });
  assert.equal(unknown.status, 422);
  assert.equal(errorField(unknown), 'diagnoses[0]');
  assert.deepEqual((await get(a.id)).diagnoses, ['E11.9', 'I20.9']);
});

test('strict create: unknown fields and wrong types answer 422 naming the field; nothing is stored', async () => {
  const count = async () => (await admin.get('/api/v1/referrals?limit=500')).json.items.length;
  const before = await count();
  const cases = [
    [{ colour: 'red' }, 'colour'],
    [{ direction: 'sideways' }, 'direction'],
    [{ direction: undefined }, 'direction'],
    [{ partner_id: String(cardio.id) }, 'partner_id'],
    [{ partner_id: MISSING }, 'partner_id'],
    [{ partner_id: undefined }, 'partner_id'],
    [{ patient: undefined }, 'patient'],
    [{ patient: 'Layla' }, 'patient'],
    [{ patient: { mrn: 'X-1', family: 'Haddad' } }, 'patient.given'],
    [{ patient: { given: 'L', family: 'H', nickname: 'Lulu' } }, 'patient.nickname'],
    [{ patient: { given: 'L', family: 'H', birth_date: '1970-13-40' } }, 'patient.birth_date'],
    // a date of birth that makes sense (issue 12 point 1): not in the future, not before 1900
    [{ patient: { given: 'L', family: 'H', birth_date: '2099-01-01' } }, 'patient.birth_date'],
    [{ patient: { given: 'L', family: 'H', birth_date: new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10) } }, 'patient.birth_date'],
    [{ patient: { given: 'L', family: 'H', birth_date: '1899-12-31' } }, 'patient.birth_date'],
    [{ patient: { given: 'L', family: 'H', sex: 'x' } }, 'patient.sex'],
    [{ patient: { given: 7, family: 'H' } }, 'patient.given'],
    [{ urgency: 'soon' }, 'urgency'],
    [{ urgency: 3 }, 'urgency'],
    [{ care_responsibility: 'lots' }, 'care_responsibility'],
    [{ reason: ['x'] }, 'reason'],
    [{ specialty: 12 }, 'specialty'],
    [{ packet: 'all of it' }, 'packet'],
    [{ packet: { history: 5 } }, 'packet.history'],
    [{ packet: { labs: 'x' } }, 'packet.labs'],
    [{ packet: { history: 'h'.repeat(20001) } }, 'packet.history'],
    [{ sent_at: iso(Date.now() - 3600e3) }, 'sent_at'], // outbound: not for us to say when the partner sent it
    [{ direction: 'inbound', sent_at: iso(Date.now() + 86400e3) }, 'sent_at'],
    [{ direction: 'inbound', sent_at: 'yesterday' }, 'sent_at'],
  ];
  for (const [over, field] of cases) {
    const b = body(over);
    for (const k of Object.keys(over)) if (over[k] === undefined) delete b[k];
    if (typeof b.patient === 'object' && b.patient && !('mrn' in b.patient)) b.patient.mrn = uniq();
    const r = await coord.post('/api/v1/referrals', b);
    assert.equal(r.status, 422, `${JSON.stringify(over).slice(0, 80)}: ${r.text}`);
    assert.equal(errorCode(r), 'validation_failed');
    assert.equal(errorField(r), field, `${JSON.stringify(over).slice(0, 80)}: ${r.text}`);
    if (b.patient && b.patient.mrn) {
      const p = await coord.get(`/api/v1/patients?q=${encodeURIComponent(b.patient.mrn)}`);
      assert.deepEqual(p.json.items.filter((x) => x.mrn === b.patient.mrn), [], `${field}: no patient stored`);
    }
  }
  let r = await coord.post('/api/v1/referrals', '{"direction":', { raw: true });
  assert.equal(r.status, 400);
  assert.equal(errorCode(r), 'malformed_json');
  r = await coord.post('/api/v1/referrals', 'direction=outbound', { raw: true, headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 415);
  assert.equal(await count(), before, 'no referral was stored');
});

test('strict PATCH and transitions: unknown fields, direction, patient, bad values → 422, nothing changed', async () => {
  const ref = await create(coord);
  const before = await get(ref.id);
  for (const [b, field] of [[{ direction: 'inbound' }, 'direction'], [{ patient: { given: 'X', family: 'Y' } }, 'patient'],
    [{ colour: 'red' }, 'colour'], [{ urgency: 'soon' }, 'urgency'], [{ packet: { history: false } }, 'packet.history'],
    [{ packet: { x: '1' } }, 'packet.x'], [{ reason: 1 }, 'reason']]) {
    const r = await coord.patch(`/api/v1/referrals/${ref.id}`, b);
    assert.equal(r.status, 422, `PATCH ${JSON.stringify(b)}: ${r.text}`);
    assert.equal(errorField(r), field, `PATCH ${JSON.stringify(b)}`);
  }
  for (const [b, field] of [[{}, 'to'], [{ to: 'bogus' }, 'to'], [{ to: 7 }, 'to'], [{ to: 'sent', extra: 1 }, 'extra'],
    [{ to: 'sent', override_completeness: 'yes' }, 'override_completeness'], [{ to: 'sent', note: 5 }, 'note']]) {
    const r = await move(coord, ref.id, b);
    assert.equal(r.status, 422, `move ${JSON.stringify(b)}: ${r.text}`);
    assert.equal(errorField(r), field, `move ${JSON.stringify(b)}`);
  }
  const acc = await reach('outbound', 'accepted');
  const accBefore = await get(acc.id);
  const r = await move(coord, acc.id, { to: 'scheduled', appointment_at: 'next Tuesday' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'appointment_at');
  assert.deepEqual(await get(acc.id), accBefore);
  assert.deepEqual(await get(ref.id), before);
  for (const [m, p, b] of [['GET', `/api/v1/referrals/${MISSING}`], ['PATCH', `/api/v1/referrals/${MISSING}`, { reason: 'x' }],
    ['POST', `/api/v1/referrals/${MISSING}/transitions`, { to: 'sent' }]]) {
    const x = await coord.request(m, p, b);
    assert.equal(x.status, 404, `${m} ${p}: ${x.text}`);
    assert.equal(errorCode(x), 'not_found');
  }
});

test('PATCH changes only what it sends (packet items too), rescores, and refuses closed referrals', async () => {
  const ref = await create(coord, { diagnoses: [], packet: { history: 'Diabetes' } });
  await new Promise((res) => setTimeout(res, 1100));
  let r = await coord.patch(`/api/v1/referrals/${ref.id}`, { packet: { medications: 'Metformin' }, urgency: 'urgent' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.packet.history, 'Diabetes', 'packet items not sent stay');
  assert.equal(r.json.packet.medications, 'Metformin');
  assert.equal(r.json.urgency, 'urgent');
  assert.equal(r.json.reason, ref.reason);
  assert.ok(r.json.completeness.score > ref.completeness.score, 'the score follows the packet');
  assert.ok(Date.parse(r.json.updated_at) > Date.parse(ref.updated_at), 'updated_at moves on');
  assert.equal(r.json.created_at, ref.created_at);
  r = await coord.patch(`/api/v1/referrals/${ref.id}`, { reason: null, packet: { history: null } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.reason, null);
  assert.equal(r.json.packet.history, null);
  assert.equal(r.json.packet.medications, 'Metformin');
  assert.deepEqual(await get(ref.id), r.json);

  for (const state of ['completed', 'cancelled']) {
    const closed = await reach('outbound', state);
    const x = await coord.patch(`/api/v1/referrals/${closed.id}`, { reason: 'changed' });
    assert.equal(x.status, 409, `PATCH a ${state} referral: ${x.text}`);
    assert.equal(errorCode(x), 'conflict');
    assert.equal((await get(closed.id)).reason, closed.reason);
  }
});

// ---- lists ----------------------------------------------------------------------

test('list filters: status, direction, partner_id, patient_id, urgency, overdue; newest first; paging', async () => {
  const mrn = uniq('L');
  const r1 = await create(coord, { partner_id: fourth.id, patient: { mrn, given: 'List', family: 'One' } });
  const r2 = await create(coord, { partner_id: fourth.id });
  await moveOk(coord, r2.id, { to: 'sent' });
  const r3 = await create(coord, { partner_id: fourth.id, direction: 'inbound', patient: { mrn, given: 'List', family: 'One' } });
  const r4 = await create(coord, { partner_id: fourth.id, direction: 'inbound', urgency: 'urgent',
    sent_at: iso(Date.now() - 10 * 3600e3) });
  assert.equal(r4.due.step, 'acknowledge');
  assert.equal(r4.due.overdue, true, `an urgent referral sent 10 hours ago is overdue: ${JSON.stringify(r4.due)}`);
  const list = async (q, c = coord) => {
    const r = await c.get(`/api/v1/referrals?partner_id=${fourth.id}${q}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.json;
  };
  assert.deepEqual((await list('')).items.map((x) => x.id), [r4.id, r3.id, r2.id, r1.id], 'newest first');
  assert.equal((await list('')).next_cursor, null);
  assert.deepEqual((await list('&status=sent')).items.map((x) => x.id), [r4.id, r3.id, r2.id]);
  assert.deepEqual((await list('&status=draft')).items.map((x) => x.id), [r1.id]);
  assert.deepEqual((await list('&direction=inbound')).items.map((x) => x.id), [r4.id, r3.id]);
  assert.deepEqual((await list('&direction=outbound&status=sent')).items.map((x) => x.id), [r2.id]);
  assert.deepEqual((await list(`&patient_id=${r1.patient.id}`)).items.map((x) => x.id), [r3.id, r1.id]);
  assert.deepEqual((await list('&urgency=urgent')).items.map((x) => x.id), [r4.id]);
  const od = await list('&overdue=true');
  assert.deepEqual(od.items.map((x) => x.id), [r4.id]);
  assert.equal(od.items[0].due.overdue, true);
  const all = await coord.get('/api/v1/referrals?overdue=true&limit=500');
  assert.ok(all.json.items.every((x) => x.due && x.due.overdue === true), 'overdue=true lists only overdue referrals');
  const otherPartner = await coord.get(`/api/v1/referrals?partner_id=${ortho.id}&limit=500`);
  assert.ok(otherPartner.json.items.every((x) => x.partner_id === ortho.id));

  // paging
  const p1 = await list('&limit=3');
  assert.equal(p1.items.length, 3);
  assert.equal(typeof p1.next_cursor, 'string');
  const p2 = await list(`&limit=3&cursor=${encodeURIComponent(p1.next_cursor)}`);
  assert.deepEqual(p2.items.map((x) => x.id), [r1.id]);
  assert.equal(p2.next_cursor, null);

  for (const [q, field] of [['status=bogus', 'status'], ['direction=up', 'direction'], ['partner_id=abc', 'partner_id'],
    ['patient_id=-1', 'patient_id'], ['overdue=maybe', 'overdue'], ['limit=0', 'limit'], ['cursor=%%%', 'cursor']]) {
    const r = await coord.get(`/api/v1/referrals?${q}`);
    assert.equal(r.status, 422, `${q}: ${r.text}`);
    assert.equal(errorField(r), field, q);
  }
});

test('list items carry no clinical text; for a liaison the patient is null', async () => {
  const ref = await create(coord, { partner_id: fourth.id, reason: 'SECRET-REASON', diagnoses: ['C50.911'],
    packet: { history: 'SECRET-HISTORY' } });
  for (const [c, withPatient] of [[coord, true], [manager, true], [clin, true], [admin, true], [liaison, false]]) {
    const r = await c.get(`/api/v1/referrals?partner_id=${fourth.id}&limit=500`);
    assert.equal(r.status, 200, r.text);
    assert.ok(!/SECRET|C50\.911/.test(r.text), 'no clinical text anywhere in the list');
    const item = r.json.items.find((x) => x.id === ref.id);
    assert.ok(item, 'the referral is listed');
    assert.deepEqual(Object.keys(item).sort(), LIST_KEYS);
    for (const k of ['reason', 'packet', 'diagnoses', 'events', 'history']) assert.ok(!(k in item), `no ${k}`);
    if (withPatient) assert.deepEqual(item.patient, { id: ref.patient.id, given: ref.patient.given, family: ref.patient.family });
    else assert.equal(item.patient, null, 'a liaison sees no patient names');
    assert.equal(item.partner_name, 'Filter Test Practice');
    assert.equal(item.status, 'draft');
  }
});

// ---- permissions -----------------------------------------------------------------

test('permissions per role (docs/api.md table); refusals change nothing', async () => {
  const out = await create(coord);
  const inbound = await reach('inbound', 'received');
  const inboundBefore = await get(inbound.id);
  const outBefore = await get(out.id);
  const forbidden = (r, what) => {
    assert.equal(r.status, 403, `${what}: ${r.status} ${r.text}`);
    assert.equal(errorCode(r), 'forbidden', what);
  };
  // liaison: lists only
  assert.equal((await liaison.get('/api/v1/referrals')).status, 200);
  forbidden(await liaison.get(`/api/v1/referrals/${out.id}`), 'liaison GET one');
  forbidden(await liaison.post('/api/v1/referrals', body()), 'liaison POST');
  forbidden(await liaison.patch(`/api/v1/referrals/${out.id}`, { reason: 'x' }), 'liaison PATCH');
  forbidden(await move(liaison, out.id, { to: 'cancelled' }), 'liaison move');
  forbidden(await liaison.get('/api/v1/patients'), 'liaison patients');
  forbidden(await liaison.get(`/api/v1/patients/${out.patient.id}`), 'liaison patient');
  forbidden(await liaison.get(`/api/v1/referrals/${out.id}/documents`), 'liaison documents');
  forbidden(await liaison.post(`/api/v1/referrals/${out.id}/appointments`, { starts_at: FUTURE }), 'liaison book');
  // manager: reads, never writes
  const m = await manager.get(`/api/v1/referrals/${out.id}`);
  assert.equal(m.status, 200, m.text);
  assert.deepEqual(m.json.allowed_transitions, [], 'a manager may make no move');
  assert.equal(m.json.reason, out.reason, 'a manager reads the packet');
  assert.equal((await manager.get(`/api/v1/patients/${out.patient.id}`)).status, 200);
  assert.equal((await manager.get('/api/v1/patients')).status, 200);
  forbidden(await manager.post('/api/v1/referrals', body()), 'manager POST');
  forbidden(await manager.patch(`/api/v1/referrals/${out.id}`, { reason: 'x' }), 'manager PATCH');
  forbidden(await move(manager, out.id, { to: 'cancelled' }), 'manager move');
  forbidden(await move(manager, inbound.id, { to: 'accepted' }), 'manager accept');
  forbidden(await manager.post(`/api/v1/referrals/${out.id}/appointments`, { starts_at: FUTURE }), 'manager book');
  // coordinator: no clinical decision on an inbound referral
  for (const b of [{ to: 'accepted' }, { to: 'declined', reason: 'full' }, { to: 'redirected', redirect_partner_id: third.id }]) {
    forbidden(await move(coord, inbound.id, b), `coordinator inbound ${b.to}`);
  }
  assert.deepEqual(await get(inbound.id), inboundBefore, 'refused decisions changed nothing');
  assert.deepEqual(await get(out.id), outBefore, 'refused writes changed nothing');
  // a cookie-signed move without the CSRF token
  const noCsrf = await coord.post(`/api/v1/referrals/${out.id}/transitions`, { to: 'cancelled' }, { headers: { 'x-csrf-token': 'wrong' } });
  assert.equal(noCsrf.status, 403, noCsrf.text);
  assert.equal(errorCode(noCsrf), 'csrf_failed');
  assert.deepEqual(await get(out.id), outBefore, 'a move without the CSRF token changed nothing');
  // clinician: writes and decides
  const byClin = await create(clin, { direction: 'inbound', partner_id: ortho.id });
  assert.equal(byClin.status, 'sent');
  await moveOk(clin, byClin.id, { to: 'accepted' });
  // not signed in
  const anon = new Client(srv.url);
  for (const p of ['/api/v1/referrals', `/api/v1/referrals/${out.id}`, '/api/v1/patients', '/api/v1/worklist']) {
    const r = await anon.get(p);
    assert.equal(r.status, 401, p);
    assert.equal(errorCode(r), 'unauthenticated');
  }
  // partner-portal users have no referral permission yet
  addUser(srv.db, 'partner', `partner-${process.pid}@test.local`, { partner: cardio.id });
  const portal = new Client(srv.url);
  assert.equal((await portal.signIn(`partner-${process.pid}@test.local`)).status, 200);
  forbidden(await portal.get('/api/v1/referrals'), 'partner list');
  forbidden(await portal.get(`/api/v1/referrals/${out.id}`), 'partner GET one');
  forbidden(await portal.post('/api/v1/referrals', body()), 'partner POST');
});

// ---- audit -----------------------------------------------------------------------

async function audit(q) {
  const r = await admin.get(`/api/v1/audit?limit=500&${q}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

test('audit: reads of a referral, the list and a patient are recorded; every change has its entry', async () => {
  const ref = await create(coord);
  await moveOk(coord, ref.id, { to: 'sent' });
  await moveOk(coord, ref.id, { to: 'accepted' });
  assert.equal((await coord.get(`/api/v1/referrals/${ref.id}`)).status, 200);
  const g = await admin.get(`/api/v1/referrals/${ref.id}`);
  assert.equal(g.status, 200);
  const reads = (await audit('action=read')).filter((e) => e.record_id === ref.id && /referral/i.test(e.record_type || ''));
  assert.ok(reads.length >= 1, 'a read entry for the referral');
  const type = reads[0].record_type;
  assert.match(type, /referrals/);
  const byType = await audit(`record_type=${encodeURIComponent(type)}&record_id=${ref.id}`);
  const adminRead = byType.find((e) => e.action === 'read' && e.user_id === ids.admin);
  assert.ok(adminRead, `GET /api/v1/audit?record_type=${type} shows the admin's read`);
  assert.equal(adminRead.role, 'admin');
  assert.equal(adminRead.outcome, 'success');
  assert.ok(byType.some((e) => e.action === 'read' && e.user_id === ids.coordinator), 'the coordinator\'s reads too');

  const changes = (await audit(`record_id=${ref.id}`))
    .filter((e) => e.record_id === ref.id && e.action !== 'read' && /referral/i.test(`${e.action} ${e.record_type}`));
  assert.ok(changes.some((e) => /create/.test(e.action)), `a create entry: ${JSON.stringify(changes)}`);
  assert.ok(changes.length >= 3, `create + two moves: ${changes.map((e) => e.action)}`);
  assert.ok(changes.every((e) => e.user_id === ids.coordinator && e.outcome === 'success'));

  // A refused move adds no change entry.
  const r = await move(coord, ref.id, { to: 'completed', note: 'x' });
  assert.equal(r.status, 409);
  const after = (await audit(`record_id=${ref.id}`))
    .filter((e) => e.record_id === ref.id && e.action !== 'read' && e.outcome === 'success' && /referral/i.test(`${e.action} ${e.record_type}`));
  assert.equal(after.length, changes.length, 'nothing recorded as done for a refused move');

  assert.equal((await coord.get('/api/v1/referrals?limit=1')).status, 200);
  const listReads = (await audit('action=read')).filter((e) => e.record_type === '/api/v1/referrals' && e.user_id === ids.coordinator);
  assert.ok(listReads.length >= 1, 'reading the list is recorded');
  assert.equal((await coord.get(`/api/v1/patients/${ref.patient.id}`)).status, 200);
  const patientReads = (await audit('action=read')).filter((e) => e.record_id === ref.patient.id && /patients/.test(e.record_type || ''));
  assert.ok(patientReads.length >= 1, 'reading a patient is recorded');
  const refusedRead = await liaison.get(`/api/v1/referrals/${ref.id}`);
  assert.equal(refusedRead.status, 403);
  const liaisonReads = (await audit(`record_type=${encodeURIComponent(type)}&record_id=${ref.id}`))
    .filter((e) => e.user_id === ids.liaison && e.action === 'read' && e.outcome === 'success');
  assert.deepEqual(liaisonReads, [], 'a refused read is not recorded as a successful read');
});

// ---- appointments ------------------------------------------------------------------

test('appointments: booking schedules, no_show returns to accepted, a new booking schedules again, attended → seen', async () => {
  const ref = await reach('outbound', 'accepted');
  let r = await coord.post(`/api/v1/referrals/${ref.id}/appointments`, { starts_at: FUTURE, location: 'Clinic 4', note: 'Bring ECGs' });
  assert.equal(r.status, 201, r.text);
  const a1 = r.json;
  assert.ok(Number.isInteger(a1.id));
  assert.equal(a1.starts_at, FUTURE);
  assert.equal(a1.status, 'booked');
  assert.equal(a1.location, 'Clinic 4');
  assert.equal(a1.note, 'Bring ECGs');
  let g = await get(ref.id);
  assert.equal(g.status, 'scheduled');
  assert.equal(g.events.at(-1).from, 'accepted');
  assert.equal(g.events.at(-1).to, 'scheduled');
  assert.deepEqual(g.appointments.map((a) => [a.id, a.status]), [[a1.id, 'booked']]);

  r = await coord.patch(`/api/v1/appointments/${a1.id}`, { status: 'rescheduled' });
  assert.equal(r.status, 422, r.text);
  assert.equal(errorField(r), 'starts_at');
  r = await coord.patch(`/api/v1/appointments/${a1.id}`, { status: 'rescheduled', starts_at: FUTURE2 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'rescheduled');
  assert.equal(r.json.starts_at, FUTURE2);
  assert.equal((await get(ref.id)).status, 'scheduled', 'rescheduling keeps it scheduled');

  // An outcome is known only once the visit's time has come (issue 12 point 1).
  const waiting = await get(ref.id);
  for (const status of ['no_show', 'attended']) {
    r = await coord.patch(`/api/v1/appointments/${a1.id}`, { status, note: 'too early' });
    assert.equal(r.status, 422, r.text);
    assert.equal(errorField(r), 'status');
    assert.match(r.json.error.message, /before its time/);
  }
  assert.deepEqual(await get(ref.id), waiting, 'an early outcome changes nothing');
  r = await coord.patch(`/api/v1/appointments/${a1.id}`, { status: 'rescheduled', starts_at: iso(Date.now() - 86400e3) });
  assert.equal(r.status, 422, 'rescheduled into the past');
  assert.equal(errorField(r), 'starts_at');
  r = await coord.patch(`/api/v1/appointments/${a1.id}`, { status: 'rescheduled', starts_at: JUST_NOW() });
  assert.equal(r.status, 200, r.text);
  r = await coord.patch(`/api/v1/appointments/${a1.id}`, { status: 'no_show', note: 'No answer on the phone' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'no_show');
  g = await get(ref.id);
  assert.equal(g.status, 'accepted', 'a no-show returns the referral to accepted for rebooking');
  assertEvent(g.events.at(-1), { from: 'scheduled', to: 'accepted', user: 'coordinator' });
  assert.equal(g.due.step, 'schedule');

  const before = await get(ref.id);
  for (const b of [{ status: 'attended' }, { status: 'no_show' }]) {
    r = await coord.patch(`/api/v1/appointments/${a1.id}`, b);
    assert.equal(r.status, 409, `a closed appointment: ${r.text}`);
  }
  assert.deepEqual(await get(ref.id), before, 'nothing changed');

  r = await coord.post(`/api/v1/referrals/${ref.id}/appointments`, { starts_at: JUST_NOW() });
  assert.equal(r.status, 201, r.text);
  const a2 = r.json;
  assert.equal(a2.status, 'booked', 'a visit booked for a minute ago (the clerk typed it late) is a booking');
  assert.equal(a2.location, null);
  assert.equal((await get(ref.id)).status, 'scheduled', 'a new booking schedules it again');
  r = await coord.patch(`/api/v1/appointments/${a2.id}`, { status: 'attended' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'attended');
  g = await get(ref.id);
  assert.equal(g.status, 'seen');
  assert.equal(g.due.step, 'report');
  assert.deepEqual(g.appointments.map((a) => [a.id, a.status]), [[a1.id, 'no_show'], [a2.id, 'attended']]);
  assertChain(g);

  const aud = await admin.get(`/api/v1/audit?limit=500&record_id=${a1.id}`);
  assert.ok(aud.json.items.filter((e) => e.record_id === a1.id && /appointment/.test(`${e.action} ${e.record_type}`)).length >= 3,
    `booking and each outcome of appointment ${a1.id} are audited: ${aud.json.items.map((e) => e.action)}`);

  // cancelled also returns it to accepted
  const other = await reach('outbound', 'scheduled');
  r = await coord.patch(`/api/v1/appointments/${other.appointments[0].id}`, { status: 'cancelled' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await get(other.id)).status, 'accepted');
});

test('appointments: a past visit is recorded with its outcome, never booked; an outcome waits for its time', async () => {
  const PAST = iso(Date.now() - 3 * 86400e3);
  const acc = await reach('outbound', 'accepted');
  const before = await get(acc.id);
  for (const [b, field] of [
    [{ starts_at: PAST }, 'starts_at'], // booked in the past: only as a record of what happened
    [{ starts_at: PAST, status: 'booked' }, 'starts_at'],
    [{ starts_at: FUTURE, status: 'attended' }, 'status'], // an outcome before its time
    [{ starts_at: FUTURE, status: 'no_show' }, 'status'],
    [{ starts_at: PAST, status: 'cancelled' }, 'status'],
  ]) {
    const r = await coord.post(`/api/v1/referrals/${acc.id}/appointments`, b);
    assert.equal(r.status, 422, `${JSON.stringify(b)}: ${r.text}`);
    assert.equal(errorField(r), field, JSON.stringify(b));
  }
  assert.deepEqual(await get(acc.id), before, 'nothing booked, nothing moved');
  const r = await coord.post(`/api/v1/referrals/${acc.id}/appointments`, { starts_at: PAST, status: 'attended', location: 'Clinic 2' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.status, r.json.starts_at, r.json.location], ['attended', PAST, 'Clinic 2']);
  const g = await get(acc.id);
  assert.equal(g.status, 'seen', 'the record of a past visit moves the referral through scheduled to seen');
  assert.deepEqual(g.events.slice(-2).map((e) => e.to), ['scheduled', 'seen']);
  assert.deepEqual(g.appointments.map((a) => a.status), ['attended']);
  const other = await reach('outbound', 'accepted');
  const n = await coord.post(`/api/v1/referrals/${other.id}/appointments`, { starts_at: PAST, status: 'no_show' });
  assert.equal(n.status, 201, n.text);
  assert.equal((await get(other.id)).status, 'accepted', 'a recorded no-show leaves it to be rebooked');
});

test('appointments: refused bookings and outcomes change nothing', async () => {
  const draft = await create(coord);
  let r = await coord.post(`/api/v1/referrals/${draft.id}/appointments`, { starts_at: FUTURE });
  assert.equal(r.status, 409, `booking a draft: ${r.text}`);
  assert.deepEqual(await get(draft.id), draft, 'nothing booked');
  const acc = await reach('outbound', 'accepted');
  for (const [b, field] of [[{}, 'starts_at'], [{ starts_at: 'tomorrow' }, 'starts_at'], [{ starts_at: FUTURE, room: 4 }, 'room'],
    [{ starts_at: FUTURE, location: 4 }, 'location']]) {
    r = await coord.post(`/api/v1/referrals/${acc.id}/appointments`, b);
    assert.equal(r.status, 422, `${JSON.stringify(b)}: ${r.text}`);
    assert.equal(errorField(r), field);
  }
  assert.deepEqual(await get(acc.id), acc);
  r = await coord.post(`/api/v1/referrals/${MISSING}/appointments`, { starts_at: FUTURE });
  assert.equal(r.status, 404);
  r = await coord.patch(`/api/v1/appointments/${MISSING}`, { status: 'attended' });
  assert.equal(r.status, 404);
  assert.equal(errorCode(r), 'not_found');
  const sch = await reach('outbound', 'scheduled');
  for (const [b, field] of [[{ status: 'booked' }, 'status'], [{}, 'status'], [{ status: 'attended', extra: 1 }, 'extra'],
    [{ status: 'rescheduled', starts_at: 'soon' }, 'starts_at']]) {
    r = await coord.patch(`/api/v1/appointments/${sch.appointments[0].id}`, b);
    assert.equal(r.status, 422, `${JSON.stringify(b)}: ${r.text}`);
    assert.equal(errorField(r), field);
  }
  r = await manager.patch(`/api/v1/appointments/${sch.appointments[0].id}`, { status: 'attended' });
  assert.equal(r.status, 403);
  assert.deepEqual(await get(sch.id), sch);
  // An inbound booking is the recipient's (ours): a coordinator may book it.
  const inb = await reach('inbound', 'accepted');
  r = await coord.post(`/api/v1/referrals/${inb.id}/appointments`, { starts_at: FUTURE });
  assert.equal(r.status, 201, r.text);
});

// ---- service levels ------------------------------------------------------------------

// `minutes` of working time from `start` on a Monday–Friday week at UTC,
// counting whole working days; a start on a weekend counts from Monday 00:00.
function businessDue(start, minutes) {
  let t = start, left = minutes * 60e3;
  for (;;) {
    const day = new Date(t).getUTCDay();
    const midnight = Date.UTC(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth(), new Date(t).getUTCDate() + 1);
    if (day !== 0 && day !== 6) {
      if (midnight - t >= left) return t + left;
      left -= midnight - t;
    }
    t = midnight;
  }
}

test('due: an urgent referral just sent must be acknowledged within 4 hours; emergent within 1', async () => {
  const ref = await create(coord, { urgency: 'urgent' });
  assert.equal(ref.due, null);
  const sent = await moveOk(coord, ref.id, { to: 'sent' });
  const sentAt = Date.parse(sent.events.at(-1).at);
  assert.equal(sent.due.step, 'acknowledge');
  assert.match(sent.due.at, RFC3339_UTC);
  assert.ok(Math.abs(Date.parse(sent.due.at) - (sentAt + 4 * 3600e3)) <= 60e3,
    `due ${sent.due.at} is 4 hours after sent ${sent.events.at(-1).at}`);
  assert.equal(sent.due.overdue, false);
  const item = (await coord.get(`/api/v1/referrals?partner_id=${cardio.id}&limit=500`)).json.items.find((x) => x.id === ref.id);
  assert.deepEqual(item.due, sent.due, 'the list shows the same due');

  const em = await create(coord, { direction: 'inbound', partner_id: ortho.id, urgency: 'emergent' });
  assert.equal(em.due.step, 'acknowledge');
  assert.ok(Math.abs(Date.parse(em.due.at) - (Date.parse(em.events[0].at) + 3600e3)) <= 60e3, `emergent: ${em.due.at}`);

  const acc = await moveOk(coord, ref.id, { to: 'accepted' });
  assert.equal(acc.due.step, 'schedule');
  assert.ok(Math.abs(Date.parse(acc.due.at) - (sentAt + 2 * 86400e3)) <= 60e3,
    `scheduling is due 2 days after sent: ${acc.due.at}`);

  // routine: 2 business days (Monday–Friday at UTC by default), weekends skipped.
  const routine = await moveOk(coord, (await create(coord, { urgency: 'routine' })).id, { to: 'sent' });
  const rs = Date.parse(routine.events.at(-1).at);
  assert.equal(routine.due.step, 'acknowledge');
  assert.ok(Math.abs(Date.parse(routine.due.at) - businessDue(rs, 2 * 1440)) <= 60e3,
    `routine: due ${routine.due.at}, expected ${iso(businessDue(rs, 2 * 1440))} (2 business days after ${iso(rs)})`);

  const old = await create(coord, { direction: 'inbound', partner_id: ortho.id, urgency: 'urgent', sent_at: iso(Date.now() - 5 * 3600e3) });
  assert.ok(Math.abs(Date.parse(old.events[0].at) - (Date.now() - 5 * 3600e3)) <= 120e3,
    `the first event is dated when the partner sent it: ${old.events[0].at}`);
  assert.equal(old.due.overdue, true);
  assert.ok(Math.abs(Date.parse(old.due.at) - (Date.now() - 3600e3)) <= 120e3);
});

// ---- concurrency ---------------------------------------------------------------------

test('concurrent moves of one referral: exactly one wins, the others are refused, one event', async () => {
  for (const [direction, from, to] of [['outbound', 'sent', 'accepted'], ['inbound', 'received', 'declined']]) {
    const ref = await reach(direction, from);
    const c = direction === 'inbound' ? clin : coord;
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => move(c, ref.id, { to, reason: `r${i}`, note: `n${i}` })));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `${from}→${to} ×8 at once: ${results.map((r) => r.status)}`);
    for (const r of results.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 409, `the losers are refused as invalid moves: ${r.status} ${r.text}`);
      assert.equal(errorCode(r), 'invalid_transition');
    }
    const g = await get(ref.id, c);
    assert.equal(g.status, to);
    assert.equal(g.events.length, ref.events.length + 1, `one event for one move: ${g.events.map((e) => `${e.from}→${e.to}`)}`);
    assertChain(g);
  }
  // Two bookings at once for an accepted referral: one appointment, one move.
  const acc = await reach('outbound', 'accepted');
  const books = await Promise.all(Array.from({ length: 6 }, () => coord.post(`/api/v1/referrals/${acc.id}/appointments`, { starts_at: FUTURE })));
  assert.equal(books.filter((r) => r.status === 201).length, 1, `6 bookings at once: ${books.map((r) => r.status)}`);
  const g = await get(acc.id);
  assert.equal(g.appointments.length, 1);
  assert.equal(g.events.filter((e) => e.to === 'scheduled').length, 1);
});

// Settings → checklists: an admin's checklist for a specialty scores that
// specialty's packets (at once on the referral's page, in lists from its next
// change); setting it again replaces it; a bad one (422) and a non-admin
// (403) change nothing.
test('an admin sets a specialty\'s packet checklist; it scores packets; refusals change nothing', async () => {
  const r = await create(coord, { specialty: 'Nephrology', packet: { history: 'CKD stage 3.' }, diagnoses: [] });
  const before = (await get(r.id)).completeness;
  assert.ok(before.missing.includes('medications'), 'the general checklist until one is set');
  const set = (c, b) => c.put('/api/v1/settings/checklists', b);
  let s = await set(admin, { specialty: 'Nephrology', checklist: { required: ['reason', 'history'], weights: { history: 3 } } });
  assert.equal(s.status, 200, s.text);
  assert.deepEqual(s.json.checklists.nephrology, { required: ['reason', 'history'], weights: { history: 3 } });
  const now = (await get(r.id)).completeness;
  assert.deepEqual(now.missing, []);
  assert.equal(now.score, 100);
  // Replaced, not merged; the folded name is the key ("NEPHROLOGY" is the same specialty).
  s = await set(admin, { specialty: 'NEPHROLOGY', checklist: { required: ['reason', 'results'] } });
  assert.equal(s.status, 200, s.text);
  assert.deepEqual(s.json.checklists.nephrology, { required: ['reason', 'results'] }); // weights of 1 are not written
  assert.deepEqual((await get(r.id)).completeness.missing, ['results']);
  const kept = JSON.stringify((await admin.get('/api/v1/settings/checklists')).json);
  for (const [c, b, status, field] of [
    [admin, { specialty: 'Nephrology', checklist: { required: ['reason', 'vibes'] } }, 422, 'checklist.required[1]'],
    [admin, { specialty: 'Nephrology', checklist: { required: ['reason'], weights: { history: 2 } } }, 422, 'checklist.weights.history'],
    [admin, { specialty: '', checklist: { required: [] } }, 422, 'specialty'],
    [admin, { specialty: 'Nephrology' }, 422, 'checklist'],
    // an empty list would score every packet 100 % (issue 12 point 5)
    [admin, { specialty: 'Nephrology', checklist: { required: [] } }, 422, 'checklist.required'],
    [admin, { specialty: 'Nephrology', checklist: { required: [], weights: {} } }, 422, 'checklist.required'],
    [coord, { specialty: 'Nephrology', checklist: { required: [] } }, 403, null],
    [manager, { specialty: 'Nephrology', checklist: { required: [] } }, 403, null],
  ]) {
    const x = await set(c, b);
    assert.equal(x.status, status, JSON.stringify(b));
    if (field) assert.equal(errorField(x), field, JSON.stringify(b));
  }
  assert.equal(JSON.stringify((await admin.get('/api/v1/settings/checklists')).json), kept);
});
