// The referral screens (issue #4): a coordinator creates a referral while the
// completeness meter follows the packet, sends it below the threshold with
// the override, records the partner's steps on its behalf, books an
// appointment, records a no-show, rebooks, records attendance, attaches the
// report and completes it; the timeline shows every step and who made it.
// A clinician sees exactly the moves the server allows on an inbound
// referral and the server's error when declining without a reason; a
// liaison sees the list without patient names; the referral page in Arabic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, createPartner, signedIn } from './lib/browser.mjs';


// A datetime-local value offset ms from now, in the browser's (this
// machine's) time zone: the tests' appointments are relative to today.
function localInput(ms) {
  const d = new Date(Date.now() + ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

let env;
let partner;
let other;
let coord; // the coordinator's page, kept for the whole flow
let referralId;
let referralPath;

before(async () => {
  env = await setup();
  partner = await createPartner(env.url, { name: 'Riyadh Heart Centre', kind: 'hospital', specialty: 'Cardiology', stage: 'active' }, 'coordinator');
  other = await createPartner(env.url, { name: 'Eastern Orthopaedic Clinic', kind: 'clinic', specialty: 'Orthopaedics' }, 'coordinator');
  coord = await openPage(env);
  await signIn(coord.page, 'coordinator@test.local');
  coord.httpErrors.length = 0;
});
after(async () => {
  if (coord) await coord.close();
  if (env) await env.close();
});

const meterValue = async (page) => Number((await page.locator('.form-aside .meter-value').textContent()).replace(/[^0-9]/g, ''));
const missingItems = (page) => page.locator('.form-aside .meter-missing li').evaluateAll((els) => els.map((e) => e.dataset.item));
const statusBadge = (page) => page.locator('.title-block .badges .badge-status');

// The move buttons shown, as their target states.
const shownMoves = (page) => page.locator('.move-buttons button').evaluateAll((els) => els.map((e) => e.dataset.to));

// Opens a move's dialog, lets fill() complete it, submits, and waits for it to close.
async function move(page, name, { fill, submit } = {}) {
  await page.locator('.move-buttons').getByRole('button', { name }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  const answer = page.waitForResponse((r) => r.url().includes('/transitions') && r.request().method() === 'POST');
  await dialog.locator('button[type="submit"]').click();
  const res = await answer;
  if (submit !== false) {
    assert.equal(res.status(), 200, `${name}: ${await res.text()}`);
    await dialog.waitFor({ state: 'detached' });
  }
  return res;
}

async function apiReferral(role, id = referralId) {
  const c = await signedIn(env.url, role);
  const r = await c.get(`/api/v1/referrals/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('new referral from the partner page: the completeness meter follows the packet', async () => {
  const { page } = coord;
  await page.goto(`/partners/${partner.id}`);
  await page.getByRole('heading', { level: 1, name: 'Riyadh Heart Centre' }).waitFor();
  await page.getByRole('link', { name: 'Refer a patient' }).click();
  await page.getByRole('heading', { level: 1, name: 'New referral' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/referrals/new');
  const partnerSel = page.locator('select[name="partner_id"]');
  await page.waitForFunction((id) => document.querySelector('select[name="partner_id"]').value === String(id)
    && document.querySelector('select[name="partner_id"]').options.length > 2, partner.id);
  assert.equal(await partnerSel.inputValue(), String(partner.id), 'the partner is preselected');
  assert.equal(await page.getByLabel('Direction').inputValue(), 'outbound');

  // The partner is a cardiology centre: the cardiology checklist applies.
  await page.locator('.form-aside').getByText('Checklist: Cardiology').waitFor();
  const s0 = await meterValue(page);
  assert.equal(s0, 0);
  assert.deepEqual(await missingItems(page), ['reason', 'diagnoses', 'history', 'medications', 'allergies', 'results', 'question']);

  await page.getByLabel('Medical record number (MRN)').fill('MRN-0042');
  await page.getByLabel('Given name').fill('Layla');
  await page.getByLabel('Family name').fill('Haddad');
  await page.getByLabel('Date of birth').fill('1970-04-02');
  await page.getByLabel('Sex').selectOption('female');
  await page.getByLabel('Phone').fill('+966 50 555 0101');
  await page.getByLabel('Preferred language').fill('ar');
  await page.getByLabel('Payer').fill('Bupa');
  await page.getByLabel('Urgency').selectOption('urgent');
  assert.equal(await meterValue(page), 0, 'demographics do not count');

  await page.getByLabel('Reason for referral').fill('Exertional chest pain');
  const s1 = await meterValue(page);
  assert.ok(s1 > s0, `the score rises: ${s0} -> ${s1}`);
  assert.ok(!(await missingItems(page)).includes('reason'), 'reason is no longer missing');

  await page.getByLabel('ICD-10 code 1').fill('I20.9');
  await page.getByRole('button', { name: 'Add diagnosis' }).click();
  await page.getByLabel('ICD-10 code 2').fill('E11.9');
  const s2 = await meterValue(page);
  assert.ok(s2 > s1, `diagnoses raise the score: ${s1} -> ${s2}`);
  assert.ok(!(await missingItems(page)).includes('diagnoses'));

  await page.getByLabel('History').fill('Hypertension for 10 years.\nChest pain on exertion since March.');
  await page.getByLabel('Current medications').fill('Amlodipine 5 mg daily');
  const s3 = await meterValue(page);
  await page.getByLabel('Question for the receiver').fill('Is an angiogram indicated?');
  const s4 = await meterValue(page);
  assert.ok(s2 < s3 && s3 < s4, `${s2} < ${s3} < ${s4}`);
  // Five of eight weights (results counts twice for cardiology): 63 %.
  assert.equal(s4, 63);
  assert.deepEqual(await missingItems(page), ['allergies', 'results']);
  await page.locator('.form-aside').getByText('Below 70%').waitFor();

  // A typed specialty picks its own checklist; cleared, the partner's again.
  await page.getByLabel('Receiving specialty').fill('oncology');
  await page.locator('.form-aside').getByText('Checklist: Oncology').waitFor();
  assert.ok((await missingItems(page)).includes('attachments'));
  await page.getByLabel('Receiving specialty').fill('');
  await page.locator('.form-aside').getByText('Checklist: Cardiology').waitFor();

  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/referrals') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Create referral' }).click();
  const res = await created;
  assert.equal(res.status(), 201, await res.text());
  const body = await res.json();
  referralId = body.id;
  referralPath = `/referrals/${referralId}`;
  await page.getByRole('heading', { level: 1, name: 'Layla Haddad' }).waitFor();
  assert.equal(new URL(page.url()).pathname, referralPath);
  await statusBadge(page).filter({ hasText: 'Draft' }).waitFor();
  // The server's score is the one shown now, and it agrees with the preview.
  assert.equal(body.completeness.score, 63, `server completeness ${JSON.stringify(body.completeness)}`);
  assert.deepEqual(body.completeness.missing, ['allergies', 'results']);
  const main = page.locator('main');
  await main.locator('.completeness .meter-value', { hasText: '63%' }).waitFor();
  for (const text of ['Exertional chest pain', 'I20.9', 'E11.9', 'Amlodipine 5 mg daily', 'Is an angiogram indicated?', 'MRN-0042', 'Bupa', 'Female', 'Arabic', 'Urgent', 'Outbound']) {
    await main.getByText(text, { exact: true }).first().waitFor();
  }
  assert.deepEqual(coord.httpErrors, []);
});

test('the form shows the server\'s 422 next to the field it names (diagnoses[1])', async () => {
  const { page } = coord;
  await page.goto(`/referrals/new?partner_id=${partner.id}`);
  await page.getByRole('heading', { level: 1, name: 'New referral' }).waitFor();
  // Required fields are checked first, in the browser.
  await page.getByRole('button', { name: 'Create referral' }).click();
  assert.equal(await page.getByLabel('Given name').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Given name').fill('Test');
  await page.getByLabel('Family name').fill('Patient');
  await page.getByLabel('ICD-10 code 1').fill('I20.9');
  await page.getByRole('button', { name: 'Add diagnosis' }).click();
  await page.getByLabel('ICD-10 code 2').fill('NOT-A-CODE');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/referrals') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Create referral' }).click();
  const res = await answer;
  assert.equal(res.status(), 422);
  const body = await res.json();
  assert.equal(body.error.field, 'diagnoses[1]');
  const bad = page.getByLabel('ICD-10 code 2');
  await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-invalid') === 'true');
  assert.equal(await bad.getAttribute('aria-invalid'), 'true');
  assert.equal(await bad.evaluate((el) => el === document.activeElement), true);
  assert.equal(await page.getByLabel('ICD-10 code 1').getAttribute('aria-invalid'), null);
  await page.locator('.field-error:not([hidden])').first().waitFor();
  assert.equal(new URL(page.url()).pathname, '/referrals/new');
  coord.httpErrors.length = 0; // the expected 422
});

test('send below the threshold with the override, then the partner\'s steps, appointments, a report and completion', async () => {
  const { page } = coord;
  await page.goto(referralPath);
  await statusBadge(page).filter({ hasText: 'Draft' }).waitFor();
  let api = await apiReferral('coordinator');
  assert.deepEqual((await shownMoves(page)).sort(), api.allowed_transitions.map((m) => m.to).sort(), 'exactly the allowed moves');

  // Send: the packet is at 63 %, so the dialog offers the override. Without
  // it the server refuses and names the field.
  await page.locator('.move-buttons').getByRole('button', { name: 'Send' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('The packet is 63% complete, below the 70% needed to send it.').waitFor();
  const override = dialog.getByLabel(/Send anyway/);
  await override.waitFor();
  const refused = page.waitForResponse((r) => r.url().includes('/transitions'));
  await dialog.locator('button[type="submit"]').click();
  assert.equal((await refused).status(), 422);
  await page.waitForFunction(() => document.querySelector('dialog [data-field="override_completeness"][aria-invalid="true"]'));
  await dialog.locator('.field-error:not([hidden])').waitFor();
  await override.check();
  const sent = page.waitForResponse((r) => r.url().includes('/transitions'));
  await dialog.locator('button[type="submit"]').click();
  assert.equal((await sent).status(), 200);
  await dialog.waitFor({ state: 'detached' });
  await statusBadge(page).filter({ hasText: 'Sent' }).waitFor();
  await page.locator('.completeness').getByText('with a recorded override').waitFor();
  await page.locator('.title-block .due-line').getByText('Acknowledge').waitFor();
  coord.httpErrors.length = 0;

  // The partner accepted by phone: recorded on its behalf.
  api = await apiReferral('coordinator');
  assert.deepEqual((await shownMoves(page)).sort(), api.allowed_transitions.map((m) => m.to).sort());
  const acceptBtn = page.locator('.move-buttons').getByRole('button', { name: /^Accept.*recorded for the partner/ });
  assert.equal(await acceptBtn.count(), 1, 'accept is labelled as recorded for the partner');
  await move(page, /^Accept/, {
    fill: async (d) => {
      await d.getByText('You record this step for the partner').waitFor();
      await d.getByLabel('Note (optional)').fill('Confirmed by phone with their coordinator.');
    },
  });
  await statusBadge(page).filter({ hasText: 'Accepted' }).waitFor();

  // Schedule: an appointment is booked.
  await move(page, /^Schedule/, {
    fill: async (d) => {
      await d.getByLabel('Appointment date and time').fill(localInput(-10 * 60e3));
      await d.getByLabel('Location').fill('Clinic 3, second floor');
    },
  });
  await statusBadge(page).filter({ hasText: 'Scheduled' }).waitFor();
  const appts = page.locator('.appt-list');
  await appts.getByText('Clinic 3, second floor').waitFor();
  await appts.locator('.badge', { hasText: 'Booked' }).waitFor();

  // No-show: back to accepted, and the appointment buttons go away.
  await appts.getByRole('button', { name: 'No-show' }).click();
  let dlg = page.getByRole('dialog', { name: 'Record a no-show' });
  await dlg.waitFor();
  await dlg.getByRole('button', { name: 'Record no-show' }).click();
  await dlg.waitFor({ state: 'detached' });
  await statusBadge(page).filter({ hasText: 'Accepted' }).waitFor();
  await appts.locator('.badge', { hasText: 'No-show' }).waitFor();
  assert.equal(await appts.getByRole('button').count(), 0, 'no appointment buttons unless scheduled');

  // Rebook, for a visit that is about to happen (an attendance is recorded
  // only once the visit's time has come).
  await move(page, /^Schedule/, {
    fill: async (d) => {
      await d.getByLabel('Appointment date and time').fill(localInput(-5 * 60e3));
      await d.getByLabel('Location').fill('Clinic 5');
    },
  });
  await statusBadge(page).filter({ hasText: 'Scheduled' }).waitFor();
  await appts.getByText('Clinic 5').waitFor();

  // Attended: seen.
  await appts.getByRole('button', { name: 'Attended' }).click();
  dlg = page.getByRole('dialog', { name: 'Record that the patient attended' });
  await dlg.getByRole('button', { name: 'Record attendance' }).click();
  await dlg.waitFor({ state: 'detached' });
  await statusBadge(page).filter({ hasText: 'Seen' }).waitFor();
  await appts.locator('.badge', { hasText: 'Attended' }).waitFor();

  // Attach the consult report.
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  await page.getByLabel('Choose a file').setInputFiles({ name: 'consult-report.pdf', mimeType: 'application/pdf', buffer: pdf });
  const uploaded = page.waitForResponse((r) => r.url().includes('/documents') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Upload' }).click();
  const up = await uploaded;
  assert.equal(up.status(), 201, await up.text());
  assert.match(up.url(), /filename=consult-report\.pdf/);
  const link = page.locator('.doc-list').getByRole('link', { name: 'consult-report.pdf' });
  await link.waitFor();
  const href = await link.getAttribute('href');
  assert.match(href, /^\/api\/v1\/documents\/\d+$/);
  const bytes = await page.evaluate(async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer()).length, href);
  assert.equal(bytes, pdf.length, 'the document comes back whole');

  // Complete with the outcome.
  await move(page, /^Complete/, {
    fill: async (d) => { await d.getByLabel('Outcome').fill('Stable angina. Medical therapy; follow-up in three months.'); },
  });
  await statusBadge(page).filter({ hasText: 'Completed' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Edit packet' }).count(), 0, 'no packet edits once closed');

  // The timeline: newest first, every step, who made it, and which steps were the partner's.
  const items = page.locator('.timeline-item');
  const tos = await items.evaluateAll((els) => els.map((e) => e.dataset.to));
  assert.deepEqual(tos, ['completed', 'seen', 'scheduled', 'accepted', 'scheduled', 'accepted', 'sent', 'draft']);
  for (let i = 0; i < tos.length; i++) {
    assert.match(await items.nth(i).locator('.timeline-who').textContent(), /by .*Test coordinator/);
  }
  const accepted = items.nth(5);
  await accepted.locator('.badge-on-behalf', { hasText: 'For the partner' }).waitFor();
  await accepted.getByText('Confirmed by phone with their coordinator.').waitFor();
  await items.first().getByText('Stable angina. Medical therapy; follow-up in three months.').waitFor();
  assert.equal(await items.last().locator('.badge-on-behalf').count(), 0, 'creating is our own step');
  assert.deepEqual(coord.httpErrors, []);
});

test('the list filters by status and partner, and links to the referral and the patient', async () => {
  const { page } = coord;
  await page.locator('header').getByRole('link', { name: 'Referrals' }).click();
  await page.getByRole('heading', { level: 1, name: 'Referrals' }).waitFor();
  await page.locator('.results[aria-busy="false"] table').waitFor();
  const row = page.locator('.results tbody tr', { hasText: 'Layla Haddad' });
  await row.waitFor();
  for (const text of ['Riyadh Heart Centre', 'Outbound', 'Urgent', 'Completed']) await row.getByText(text, { exact: true }).waitFor();
  await page.getByLabel('Status').selectOption('draft');
  await page.getByText('No referrals match').waitFor();
  await page.getByLabel('Status').selectOption('completed');
  await row.waitFor();
  await page.waitForFunction((id) => [...document.querySelectorAll('select[name="partner_id"] option')].some((o) => o.value === String(id)), other.id);
  await page.getByLabel('Partner').selectOption(String(other.id));
  await page.getByText('No referrals match').waitFor();
  assert.match(page.url(), new RegExp(`partner_id=${other.id}`));
  await page.getByLabel('Partner').selectOption(String(partner.id));
  await row.getByRole('link', { name: 'Layla Haddad' }).click();
  await page.getByRole('heading', { level: 1, name: 'Layla Haddad' }).waitFor();
  await page.getByRole('link', { name: 'Patient record' }).click();
  await page.getByRole('heading', { level: 1, name: 'Layla Haddad' }).waitFor();
  assert.match(new URL(page.url()).pathname, /^\/patients\/\d+$/);
  await page.getByText('MRN-0042').first().waitFor();
  await page.locator('.referral-table tbody tr', { hasText: 'Completed' }).getByRole('link', { name: 'Layla Haddad' }).waitFor();
  assert.deepEqual(coord.httpErrors, []);
});

test('edit the packet: the fields come back, the preview follows, the server rescores; a refused move explains itself', async () => {
  const api = await signedIn(env.url, 'coordinator');
  const r = await api.post('/api/v1/referrals', {
    direction: 'outbound', partner_id: other.id, patient: { given: 'Sara', family: 'Nasser' },
    reason: 'Hip pain', diagnoses: ['M25.551', 'M16.11'], packet: { history: 'Osteoarthritis of the right hip.' },
  });
  assert.equal(r.status, 201, r.text);
  // Orthopaedics: the six general items, results x2 and treatment: 3 of 9.
  assert.equal(r.json.completeness.score, 33, JSON.stringify(r.json.completeness));
  const { page } = coord;
  await page.goto(`/referrals/${r.json.id}`);
  await page.getByRole('heading', { level: 1, name: 'Sara Nasser' }).waitFor();
  await page.locator('.page-head').getByRole('link', { name: 'Edit packet' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit referral packet' }).waitFor();
  assert.equal(await page.getByLabel('Reason for referral').inputValue(), 'Hip pain');
  assert.equal(await page.getByLabel('ICD-10 code 2').inputValue(), 'M16.11');
  assert.equal(await page.getByLabel('History').inputValue(), 'Osteoarthritis of the right hip.');
  await page.locator('.form-aside').getByText('Checklist: Orthopaedics').waitFor();
  assert.equal(await meterValue(page), 33);
  await page.getByLabel('Current medications').fill('Paracetamol 1 g as needed');
  await page.getByLabel('Allergies').fill('None known');
  await page.getByLabel('Test results').fill('X-ray: joint space narrowing');
  await page.getByLabel('Treatment so far').fill('Physiotherapy for six weeks');
  await page.getByLabel('Question for the receiver').fill('Is a hip replacement indicated?');
  assert.equal(await meterValue(page), 100);
  await page.locator('.form-aside .meter-done', { hasText: 'Nothing missing.' }).waitFor();
  await page.getByRole('button', { name: 'Remove ICD-10 code 2' }).click();
  assert.equal(await page.getByLabel('ICD-10 code 2').count(), 0);
  const saved = page.waitForResponse((x) => x.url().endsWith(`/api/v1/referrals/${r.json.id}`) && x.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Save packet' }).click();
  const res = await saved;
  assert.equal(res.status(), 200, await res.text());
  assert.equal((await res.json()).completeness.score, 100);
  await page.getByRole('heading', { level: 1, name: 'Sara Nasser' }).waitFor();
  await page.locator('.completeness .meter-value', { hasText: '100%' }).waitFor();
  const packet = page.locator('.packet');
  await packet.getByText('M25.551', { exact: true }).waitFor();
  assert.equal(await packet.getByText('M16.11').count(), 0);
  await packet.getByText('Is a hip replacement indicated?').waitFor();

  // Too large for an attachment: refused before any upload.
  await page.getByLabel('Choose a file').setInputFiles({ name: 'scan.tif', mimeType: 'image/tiff', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.locator('.upload-form .field-error', { hasText: 'This file is larger than 10 MB.' }).waitFor();

  // Someone cancels it meanwhile: sending is refused with the server's words,
  // and the page catches up when the dialog closes.
  const cancelled = await api.post(`/api/v1/referrals/${r.json.id}/transitions`, { to: 'cancelled', note: 'Patient moved away' });
  assert.equal(cancelled.status, 200, cancelled.text);
  await page.locator('.move-buttons').getByRole('button', { name: 'Send' }).click();
  const dialog = page.getByRole('dialog');
  const refused = page.waitForResponse((x) => x.url().includes('/transitions'));
  await dialog.locator('button[type="submit"]').click();
  const rr = await refused;
  assert.equal(rr.status(), 409);
  const body = await rr.json();
  const alert = dialog.locator('.form-alert');
  await alert.getByText('This step is not possible now.').waitFor();
  assert.ok((await alert.textContent()).includes(body.error.message), await alert.textContent());
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await statusBadge(page).filter({ hasText: 'Cancelled' }).waitFor();
  assert.equal(await page.locator('.move-buttons button[data-to="sent"]').count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Edit packet' }).count(), 0);
  coord.httpErrors.splice(0, coord.httpErrors.length, ...coord.httpErrors.filter((e) => e.status !== 409));
  assert.deepEqual(coord.httpErrors, []);
});

test('a clinician sees exactly the allowed moves on an inbound referral, and declining needs a reason', async () => {
  const api = await signedIn(env.url, 'coordinator');
  const r = await api.post('/api/v1/referrals', {
    direction: 'inbound', partner_id: other.id, urgency: 'routine',
    patient: { given: 'Omar', family: 'Saleh', mrn: 'MRN-0077' }, reason: 'Knee pain after a fall', diagnoses: ['M25.561'],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'sent', 'an inbound referral starts as sent');
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'clinician@test.local');
    p.httpErrors.length = 0;
    await page.goto(`/referrals/${r.json.id}`);
    await page.getByRole('heading', { level: 1, name: 'Omar Saleh' }).waitFor();
    const fromApi = await apiReferral('clinician', r.json.id);
    const shown = await shownMoves(page);
    assert.deepEqual(shown.sort(), fromApi.allowed_transitions.map((m) => m.to).sort(), 'the buttons are the allowed moves, nothing else');
    assert.ok(shown.includes('accepted') && shown.includes('declined'), `accept and decline: ${shown}`);
    const moves = page.locator('.move-buttons');
    await moves.getByRole('button', { name: 'Accept', exact: true }).waitFor();
    await moves.getByRole('button', { name: 'Decline', exact: true }).waitFor();

    // Decline without a reason: the server's 422 is shown in the dialog.
    const res = await move(page, 'Decline', { submit: false });
    assert.equal(res.status(), 422);
    const body = await res.json();
    assert.equal(body.error.field, 'reason');
    const dialog = page.getByRole('dialog');
    const reason = dialog.getByLabel('Reason');
    await page.waitForFunction(() => document.querySelector('dialog [data-field="reason"][aria-invalid="true"]'));
    const err = dialog.locator('.field-error:not([hidden])');
    await err.waitFor();
    const detail = body.error.message.replace(/^reason\s*/, '');
    assert.ok((await err.textContent()).includes(detail), `shows "${detail}": ${await err.textContent()}`);
    assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'the reason field has focus');
    await reason.fill('Outside our scope: refer to sports medicine.');
    const ok = page.waitForResponse((x) => x.url().includes('/transitions'));
    await dialog.locator('button[type="submit"]').click();
    assert.equal((await ok).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    await statusBadge(page).filter({ hasText: 'Declined' }).waitFor();
    await page.locator('.timeline-item').first().getByText('Outside our scope: refer to sports medicine.').waitFor();
    assert.deepEqual(p.problems, []);
    assert.deepEqual(await p.csp(), []);
    assert.deepEqual(p.httpErrors.filter((e) => e.status !== 422), []);
  } finally { await p.close(); }
});

test('a clinician redirects a received inbound referral to another partner', async () => {
  const api = await signedIn(env.url, 'coordinator');
  const r = await api.post('/api/v1/referrals', {
    direction: 'inbound', partner_id: partner.id, patient: { given: 'Huda', family: 'Karim' }, reason: 'Shoulder pain', diagnoses: ['M25.511'],
  });
  assert.equal(r.status, 201, r.text);
  const ack = await api.post(`/api/v1/referrals/${r.json.id}/transitions`, { to: 'received' });
  assert.equal(ack.status, 200, ack.text);
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'clinician@test.local');
    await page.goto(`/referrals/${r.json.id}`);
    await page.getByRole('heading', { level: 1, name: 'Huda Karim' }).waitFor();
    await move(page, 'Redirect', {
      fill: async (d) => {
        const sel = d.getByLabel('Redirect to');
        await page.waitForFunction((id) => [...document.querySelectorAll('dialog select option')].some((o) => o.value === String(id)), other.id);
        assert.equal(await sel.locator(`option[value="${partner.id}"]`).count(), 0, 'not to the same partner');
        await sel.selectOption(String(other.id));
      },
    });
    await statusBadge(page).filter({ hasText: 'Redirected' }).waitFor();
    const link = page.getByRole('link', { name: /^Redirected: see referral #\d+$/ });
    await link.click();
    await page.getByRole('heading', { level: 1, name: 'Huda Karim' }).waitFor();
    await page.locator('.subtitle').getByRole('link', { name: 'Eastern Orthopaedic Clinic' }).waitFor();
    await page.getByRole('link', { name: `Redirected from referral #${r.json.id}` }).waitFor();
    assert.deepEqual(p.problems, []);
    assert.deepEqual(await p.csp(), []);
  } finally { await p.close(); }
});

test('a liaison sees the list without patient names and cannot create or open referrals', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'liaison@test.local');
    p.httpErrors.length = 0;
    await page.locator('header').getByRole('link', { name: 'Referrals' }).click();
    await page.locator('.results[aria-busy="false"] table').waitFor();
    await page.getByText('Patient names and clinical details are not shown for your role.').waitFor();
    const results = page.locator('.results');
    await results.getByText(`Referral #${referralId}`, { exact: true }).waitFor();
    assert.equal(await results.getByText('Layla Haddad').count(), 0, 'no patient name');
    assert.equal(await results.getByText('Omar Saleh').count(), 0, 'no patient name');
    assert.equal(await results.locator('a[href^="/referrals/"]').count(), 0, 'no links to referrals it cannot read');
    await results.getByText('Riyadh Heart Centre').first().waitFor();
    assert.equal(await page.getByRole('link', { name: 'New referral' }).count(), 0, 'no New referral button');
    await page.goto(`/partners/${partner.id}`);
    await page.getByRole('heading', { level: 1, name: 'Riyadh Heart Centre' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Refer a patient' }).count(), 0);
    await page.goto(referralPath);
    await page.getByRole('alert').filter({ hasText: 'You do not have permission to do this.' }).waitFor();
    assert.deepEqual(p.httpErrors, [{ status: 403, url: `/api/v1/referrals/${referralId}` }]);
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('Arabic: the referral page reads right to left with translated statuses and dates', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'coordinator@test.local');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.locator('html[lang="ar"][dir="rtl"]').waitFor();
    await page.goto(referralPath);
    await page.getByRole('heading', { level: 1, name: 'Layla Haddad' }).waitFor();
    assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl']);
    await statusBadge(page).filter({ hasText: 'مكتملة' }).waitFor();
    const main = page.locator('main');
    for (const text of ['الملف السريري', 'السجل الزمني', 'المواعيد', 'المستندات', 'اكتمال الملف السريري', 'صادرة', 'عاجلة']) {
      await main.getByText(text, { exact: true }).first().waitFor();
    }
    const timeline = page.locator('.timeline');
    for (const text of ['مسودة', 'مُرسلة', 'مقبولة', 'مجدولة', 'تمت المعاينة', 'مكتملة']) {
      await timeline.getByText(text, { exact: true }).first().waitFor();
    }
    await timeline.getByText('نيابةً عن الشريك').first().waitFor();
    const when = await page.locator('.timeline-when time').first().textContent();
    assert.match(when, /[\u0600-\u06FF]/, `date in Arabic: ${when}`);
    await page.locator('.appt-list .badge', { hasText: 'لم يحضر' }).waitFor();
    // The start of the line is on the right.
    const box = await page.locator('main h1').boundingBox();
    assert.ok(box.x + box.width > page.viewportSize().width / 2, 'the title sits on the right');

    await page.goto('/referrals');
    await page.getByRole('heading', { level: 1, name: 'الإحالات' }).waitFor();
    await page.locator('.results[aria-busy="false"] table').waitFor();
    await page.locator('.results').getByText('مكتملة', { exact: true }).first().waitFor();
    await page.locator('.results').getByText('مرفوضة', { exact: true }).first().waitFor();
    await page.getByLabel('المتأخرة فقط').waitFor();
    assert.deepEqual(p.problems, []);
    assert.deepEqual(await p.csp(), []);
  } finally { await p.close(); }
});

test('no console errors, CSP violations or dialogs on the referral screens', async () => {
  assert.deepEqual(coord.problems, []);
  assert.deepEqual(await coord.csp(), []);
});
