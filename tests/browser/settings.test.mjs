// The Settings screen (/settings, admins only): an admin changes the active
// stage's default check-in cadence and a partner without a cadence of its
// own follows it; adds a holiday, changes the working week and the local
// time (UTC offset), saved through
// PUT /settings/service-levels with the urgency classes untouched; an
// invalid cadence shows the API's 422 next to its field; an admin edits a
// specialty's packet checklist and adds one for a new specialty; a liaison has no
// Settings link and gets the "not allowed" state; the screen in Arabic,
// right to left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, signedIn } from './lib/browser.mjs';

let env;
let admin; // the admin's API client
let partner; // active, no cadence of its own
let p; // the admin's page, kept for the whole flow

before(async () => {
  env = await setup();
  admin = await signedIn(env.url, 'admin');
  const r = await admin.post('/api/v1/partners', { name: 'Riverside Cardiology', kind: 'practice', stage: 'active' });
  assert.equal(r.status, 201, r.text);
  partner = r.json;
  assert.equal(partner.checkin_days, null);
  p = await openPage(env);
  await signIn(p.page, 'admin@test.local', undefined, { home: true });
  p.httpErrors.length = 0; // the sign-in page's 401 from /api/v1/me
});
after(async () => {
  if (p) await p.close();
  if (env) await env.close();
});

const settled = (page) => page.locator('form.cadence-form').waitFor();

test('an admin opens Settings from the header navigation', async () => {
  const { page } = p;
  const link = page.locator('header').getByRole('link', { name: 'Settings', exact: true });
  await link.click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await settled(page);
  assert.equal(new URL(page.url()).pathname, '/settings');
  assert.equal(await link.getAttribute('aria-current'), 'page');
  assert.equal(await page.title(), 'Settings — Liaison');
  // Every stage but lost has a labelled field, filled from the API.
  const cadence = (await admin.get('/api/v1/settings/cadence')).json;
  for (const [stage, label] of [['prospect', 'Prospect'], ['contacted', 'Contacted'], ['meeting', 'Meeting'], ['active', 'Active'], ['inactive', 'Inactive']]) {
    assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), String(cadence[stage]), stage);
  }
  assert.equal(await page.locator('form.cadence-form input[name="lost"]').count(), 0);
  // The service levels, read-only: the default classes and their targets.
  const table = page.locator('table.sla-table');
  for (const col of ['Urgency', 'Acknowledge', 'Schedule', 'See the patient', 'Report back']) await table.getByRole('columnheader', { name: col }).waitFor();
  assert.equal(await table.locator('tbody tr').count(), 3);
  assert.equal((await table.locator('tr[data-urgency="urgent"] td[data-step="acknowledge"]').textContent()).trim(), '4 hours');
  assert.equal((await table.locator('tr[data-urgency="routine"] td[data-step="acknowledge"]').textContent()).trim(), '2 days (working days only)');
  assert.equal((await table.locator('tr[data-urgency="emergent"] td[data-step="schedule"]').textContent()).trim(), 'Same day');
  // The checklists.
  await page.locator('table.checklist-table tr[data-specialty="cardiology"]').getByText('Test results').waitFor();
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.httpErrors, []);
});

test('changing the active stage cadence changes the effective cadence of a partner without its own', async () => {
  const { page } = p;
  const before = (await admin.get(`/api/v1/partners/${partner.id}`)).json;
  assert.notEqual(before.checkin_days_effective, 45);
  const field = page.getByLabel('Active', { exact: true });
  await field.fill('45');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/cadence') && r.request().method() === 'PUT');
  await page.getByRole('button', { name: 'Save cadence' }).click();
  assert.equal((await saved).status(), 200);
  await page.locator('form.cadence-form [role="status"]', { hasText: 'Check-in cadence saved.' }).waitFor();
  assert.equal((await admin.get('/api/v1/settings/cadence')).json.active, 45);
  assert.equal((await admin.get(`/api/v1/partners/${partner.id}`)).json.checkin_days_effective, 45);
  // The partner page says so too.
  await page.goto(`/partners/${partner.id}`);
  await page.getByRole('heading', { level: 1, name: partner.name }).waitFor();
  await page.locator('main').getByText('Every 45 days').first().waitFor();
  assert.deepEqual(p.problems, []);
});

test('an invalid cadence shows the API\'s 422 next to its field', async () => {
  const { page } = p;
  await page.goto('/settings');
  await settled(page);
  const field = page.getByLabel('Meeting', { exact: true });
  await field.fill('366');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/cadence') && r.request().method() === 'PUT');
  await page.getByRole('button', { name: 'Save cadence' }).click();
  assert.equal((await saved).status(), 422);
  await page.locator('input[name="meeting"][aria-invalid="true"]').waitFor();
  const errId = (await field.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
  const message = await page.locator(`#${errId}`).textContent();
  assert.match(message, /^Meeting .*365/, message);
  assert.equal(await page.evaluate(() => document.activeElement.name), 'meeting');
  // An empty field is caught before asking the server.
  await field.fill('');
  await page.getByRole('button', { name: 'Save cadence' }).click();
  assert.equal(await page.locator(`#${errId}`).textContent(), 'This field is required.');
  // Nothing was saved.
  assert.notEqual((await admin.get('/api/v1/settings/cadence')).json.meeting, 366);
  assert.deepEqual(p.httpErrors.map((e) => e.status), [422]);
  p.httpErrors.length = 0;
  assert.deepEqual(p.problems, []);
});

test('an admin adds and removes holidays and changes the working week', async () => {
  const { page } = p;
  await page.goto('/settings');
  await settled(page);
  const beforeSla = (await admin.get('/api/v1/settings/service-levels')).json;
  assert.deepEqual(beforeSla.holidays, []);
  const date = page.getByLabel('Holiday date');
  await date.fill('2026-12-25');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  await page.locator('.holiday-table tr[data-date="2026-12-25"]').waitFor();
  // Screen readers hear it (a status region on the page).
  await page.locator('.settings-card [role="status"]', { hasText: 'Holiday added; save to keep it.' }).waitFor();
  // Enter in the date field adds too, and a date twice is refused.
  await date.fill('2026-09-23');
  await date.press('Enter');
  await page.locator('.holiday-table tr[data-date="2026-09-23"]').waitFor();
  await date.fill('2026-12-25');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  await page.getByText('This date is already a holiday.').waitFor();
  await date.fill('2027-01-01');
  await page.getByRole('button', { name: 'Add holiday' }).click();
  // A near year is unmarked; a year far from this one is kept but marked.
  assert.equal(await page.locator('.holiday-table tr[data-date="2027-01-01"] .holiday-far').count(), 0);
  const far = `${new Date().getUTCFullYear() + 36}-12-25`;
  await date.fill(far);
  await page.getByRole('button', { name: 'Add holiday' }).click();
  await page.locator(`.holiday-table tr[data-date="${far}"] .holiday-far`, { hasText: 'Check the year' }).waitFor();
  await page.locator(`.holiday-table tr[data-date="${far}"]`).getByRole('button', { name: /Remove/ }).click();
  await page.locator('.holiday-table tr[data-date="2027-01-01"]').getByRole('button', { name: /Remove/ }).click();
  await page.locator('.holiday-table tr[data-date="2027-01-01"]').waitFor({ state: 'detached' });
  // A Saudi week: Sunday to Thursday.
  await page.getByLabel('Sunday').check();
  await page.getByLabel('Friday').uncheck();
  // Riyadh time: UTC+03:00, shown as the API gave it until then.
  const offset = page.getByLabel('Local time');
  assert.equal(await offset.inputValue(), String(beforeSla.utc_offset_minutes));
  assert.match(await offset.locator('option[value="180"]').textContent(), /^UTC\W*\+03:00\W*$/);
  await offset.selectOption('180');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/service-levels') && r.request().method() === 'PUT');
  await page.getByRole('button', { name: 'Save working days and holidays' }).click();
  assert.equal((await saved).status(), 200);
  await page.locator('form.calendar-form [role="status"]', { hasText: 'Working days and holidays saved.' }).waitFor();
  const sla = (await admin.get('/api/v1/settings/service-levels')).json;
  assert.deepEqual(sla.holidays, ['2026-09-23', '2026-12-25']);
  assert.deepEqual(sla.weekdays, ['sun', 'mon', 'tue', 'wed', 'thu']);
  assert.equal(sla.utc_offset_minutes, 180);
  // The urgency classes went back as they came.
  assert.deepEqual(sla.urgencies, beforeSla.urgencies);
  // The read-only summary shows the saved calendar.
  await page.locator('.sla-dl .holiday-summary time[datetime="2026-12-25"]').waitFor();
  assert.equal(await page.locator('.sla-dl .weekday-list li').count(), 5);
  await page.locator('.sla-dl').getByText(/UTC\W*\+03:00/).waitFor();
  // No working day at all is caught before asking the server.
  for (const d of ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday']) await page.getByLabel(d).uncheck();
  await page.getByRole('button', { name: 'Save working days and holidays' }).click();
  await page.getByText('Choose at least one working day.').waitFor();
  assert.deepEqual((await admin.get('/api/v1/settings/service-levels')).json.weekdays, ['sun', 'mon', 'tue', 'wed', 'thu']);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.httpErrors, []);
});

test('an admin changes a specialty\'s checklist and adds one for a new specialty', async () => {
  const { page } = p;
  await page.goto('/settings');
  await settled(page);
  const form = page.locator('form.checklist-form');
  const table = page.locator('table.checklist-table');
  const before = (await admin.get('/api/v1/settings/checklists')).json.checklists.cardiology;
  assert.ok(before.required.includes('allergies') && !before.required.includes('attachments'));
  assert.equal(before.weights.results, 2);
  // Edit on the cardiology row fills the form with its items.
  await table.getByRole('button', { name: 'Edit Cardiology' }).click();
  assert.equal(await form.getByLabel('Specialty').inputValue(), 'cardiology');
  assert.equal(await form.getByLabel('Test results').isChecked(), true);
  assert.equal(await form.getByLabel('Attachments').isChecked(), false);
  await form.getByLabel('Allergies').uncheck();
  await form.getByLabel('Attachments').check();
  let saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/checklists') && r.request().method() === 'PUT');
  await form.getByRole('button', { name: 'Save checklist' }).click();
  assert.equal((await saved).status(), 200);
  await form.locator('[role="status"]', { hasText: 'Checklist saved.' }).waitFor();
  const after = (await admin.get('/api/v1/settings/checklists')).json.checklists.cardiology;
  assert.ok(!after.required.includes('allergies') && after.required.includes('attachments'));
  assert.equal(after.weights.results, 2, 'the weight of an item that stays required is kept');
  await table.locator('tr[data-specialty="cardiology"]').getByText('Attachments').waitFor();
  assert.equal(await table.locator('tr[data-specialty="cardiology"]').getByText('Allergies').count(), 0);

  // A specialty is required; then a new one gets its checklist.
  await form.getByLabel('Specialty').fill('');
  await form.getByRole('button', { name: 'Save checklist' }).click();
  await form.locator('input[name="checklist_specialty"][aria-invalid="true"]').waitFor();
  await form.getByLabel('Specialty').fill('Paediatrics');
  // An empty checklist is refused before it is sent (it would score every packet 100 %).
  for (const box of await form.locator('.item-grid input[type="checkbox"]').all()) await box.uncheck();
  let puts = 0;
  const countPut = (r) => { if (r.url().endsWith('/api/v1/settings/checklists') && r.method() === 'PUT') puts++; };
  page.on('request', countPut);
  await form.getByRole('button', { name: 'Save checklist' }).click();
  await form.getByText('Tick at least one item').waitFor();
  assert.equal(await form.locator('input[aria-invalid="true"]').count(), 1);
  page.off('request', countPut);
  assert.equal(puts, 0);
  assert.equal((await admin.get('/api/v1/settings/checklists')).json.checklists.paediatrics, undefined);
  for (const label of ['Diagnoses', 'History', 'Current medications']) await form.getByLabel(label).check();
  await form.getByLabel('Reason for referral').check();
  await form.getByLabel('Question for the receiver').check();
  saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/checklists') && r.request().method() === 'PUT');
  await form.getByRole('button', { name: 'Save checklist' }).click();
  assert.equal((await saved).status(), 200);
  const row = table.locator('tr[data-specialty="paediatrics"]');
  await row.getByText('Question for the receiver').waitFor();
  const paeds = (await admin.get('/api/v1/settings/checklists')).json.checklists.paediatrics;
  assert.deepEqual([...paeds.required].sort(), ['diagnoses', 'history', 'medications', 'question', 'reason']);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.httpErrors, []);
});

test('a liaison has no Settings link and is not allowed in', async () => {
  const q = await openPage(env);
  const { page } = q;
  try {
    await signIn(page, 'liaison@test.local', undefined, { home: true });
    q.httpErrors.length = 0;
    await page.locator('header').getByRole('link', { name: 'Partners', exact: true }).waitFor();
    assert.equal(await page.locator('header').getByRole('link', { name: 'Settings' }).count(), 0);
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.locator('.state-empty').getByText('Only administrators can change the settings.').waitFor();
    assert.equal(await page.locator('form').count(), 0);
    assert.equal(await page.locator('header').getByRole('link', { name: 'Settings' }).count(), 0);
    assert.deepEqual(q.problems, []);
    assert.deepEqual(q.httpErrors, []);
    // The API agrees: a liaison may read the settings but not change them.
    const liaison = await signedIn(env.url, 'liaison');
    assert.equal((await liaison.put('/api/v1/settings/cadence', { prospect: 1, contacted: 1, meeting: 1, active: 1, inactive: 1 })).status, 403);
  } finally { await q.close(); }
});

test('the Settings screen in Arabic, right to left', async () => {
  const { page } = p;
  await page.goto('/settings');
  await settled(page);
  await page.getByRole('button', { name: 'العربية' }).click();
  await page.getByRole('heading', { level: 1, name: 'الإعدادات' }).waitFor();
  assert.deepEqual(await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })), { lang: 'ar', dir: 'rtl' });
  await page.locator('header').getByRole('link', { name: 'الإعدادات' }).waitFor();
  for (const text of ['وتيرة المتابعة', 'مستويات الخدمة', 'أيام العمل والعطلات', 'قوائم تحقق ملف الإحالة']) {
    await page.getByRole('heading', { name: text }).waitFor();
  }
  // Stage labels, step headers, targets and weekdays are translated in place.
  assert.equal(await page.getByLabel('نشط', { exact: true }).inputValue(), '45');
  await page.locator('table.sla-table').getByRole('columnheader', { name: 'معاينة المريض' }).waitFor();
  assert.equal((await page.locator('tr[data-urgency="urgent"] td[data-step="acknowledge"]').textContent()).trim(), '4 ساعات');
  await page.getByLabel('الأحد').waitFor();
  assert.equal(await page.title(), 'الإعدادات — Liaison');
  // The 422 reads in Arabic too, next to the field.
  const field = page.getByLabel('محتمل', { exact: true });
  await field.fill('-1');
  await page.getByRole('button', { name: 'حفظ الوتيرة' }).click();
  await page.locator('input[name="prospect"][aria-invalid="true"]').waitFor();
  const errId = (await page.locator('input[name="prospect"]').getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
  assert.match(await page.locator(`#${errId}`).textContent(), /[\u0600-\u06FF]/);
  p.httpErrors.length = 0;
  // The layout mirrors: the first cadence field starts at the right.
  const box = await page.locator('input[name="prospect"]').boundingBox();
  const box2 = await page.locator('input[name="contacted"]').boundingBox();
  assert.ok(box.x > box2.x, 'the fields run right to left');
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
  await page.getByRole('button', { name: 'English' }).click();
});
