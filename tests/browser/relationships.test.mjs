// The relationship screens (issue #5): a liaison starts on the Today page,
// sees an overdue check-in, logs a call from the partner page and the
// check-in leaves the worklist; adds a commitment, sees it on Today,
// completes it; moves a prospect along the pipeline with the keyboard alone;
// adds a goal and changes its status; a manager looks at the liaison's list;
// the Today page in Arabic, right to left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, signedIn, worklistSettled } from './lib/browser.mjs';

let env;
let api; // the liaison's API client
let liaisonId;
let partner;
let contact;
let prospect;
let p; // the liaison's page, kept for the whole flow

const rfc = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const daysAgo = (n) => rfc(new Date(Date.now() - n * 86400e3));
const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

before(async () => {
  env = await setup();
  api = await signedIn(env.url, 'liaison');
  liaisonId = (await api.get('/api/v1/me')).json.user.id;
  // An active partner last seen 40 days ago on a 30-day cadence: overdue.
  let r = await api.post('/api/v1/partners', { name: 'Al Noor Family Practice', kind: 'practice', stage: 'active', checkin_days: 30, specialty: 'Family medicine', payers: ['Bupa'], languages: ['ar', 'en'], goals_theirs: 'Quicker echo reports.' });
  assert.equal(r.status, 201, r.text);
  partner = r.json;
  assert.equal(partner.owner_id, liaisonId);
  r = await api.post(`/api/v1/partners/${partner.id}/contacts`, { name: 'Huda Salem', role: 'office_manager' });
  assert.equal(r.status, 201, r.text);
  contact = r.json;
  r = await api.post('/api/v1/interactions', { partner_id: partner.id, kind: 'visit', direction: 'outbound', occurred_at: daysAgo(40), summary: 'First visit' });
  assert.equal(r.status, 201, r.text);
  r = await api.post('/api/v1/partners', { name: 'Prospect Paediatrics', kind: 'clinic', stage: 'prospect', source: 'event' });
  assert.equal(r.status, 201, r.text);
  prospect = r.json;
  p = await openPage(env);
});
after(async () => {
  if (p) await p.close();
  if (env) await env.close();
});

const checkinItem = (page, id) => page.locator(`.work-group[data-kind="checkin"] li[data-partner-id="${id}"]`);

test('Today is the home page and shows the overdue check-in', async () => {
  const { page } = p;
  await signIn(page, 'liaison@test.local', undefined, { home: true });
  p.httpErrors.length = 0; // the sign-in page's 401 from /api/v1/me
  assert.equal(new URL(page.url()).pathname, '/today');
  await worklistSettled(page);
  const item = checkinItem(page, partner.id);
  await item.waitFor();
  assert.equal(await item.evaluate((li) => li.closest('.bucket').dataset.bucket), 'overdue');
  await page.locator('.bucket[data-bucket="overdue"] h3', { hasText: 'Overdue' }).waitFor();
  assert.equal(await page.locator('header').getByRole('link', { name: 'Today' }).getAttribute('aria-current'), 'page');
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
});

test('logging a call from the partner page takes the check-in off the worklist', async () => {
  const { page } = p;
  await checkinItem(page, partner.id).getByRole('link', { name: partner.name }).click();
  await page.getByRole('heading', { level: 1, name: partner.name }).waitFor();
  await page.locator('.rel-checkin[data-bucket="overdue"]').waitFor();
  await page.locator('.rel-checkin').getByText('Overdue').waitFor();

  const form = page.locator('form.log-form');
  assert.equal(await form.getByLabel('Type').inputValue(), 'call');
  assert.ok((await form.getByLabel('When').inputValue()).length >= 16, 'When defaults to now');
  // The contact select lists the partner's contacts.
  await page.waitForFunction((id) => [...document.querySelectorAll('select[name="contact_id"] option')].some((o) => o.value === String(id)), contact.id);
  await form.getByLabel('Contact').selectOption(String(contact.id));
  await form.getByLabel('Summary').fill('Called Huda about the echo backlog; she will send their list.');
  await form.getByLabel('Awaiting an answer from').selectOption('them');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/interactions') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Log interaction' }).click();
  assert.equal((await saved).status(), 201);
  await page.locator('.ptimeline').getByText('Called Huda about the echo backlog').waitFor();
  await page.locator('.rel-checkin[data-bucket="later"]').waitFor();
  assert.equal(await form.getByLabel('Summary').inputValue(), '', 'the form is ready for the next one');

  const log = await api.get(`/api/v1/interactions?partner_id=${partner.id}`);
  const call = log.json.items[0];
  assert.equal(call.kind, 'call');
  assert.equal(call.contact_id, contact.id);
  assert.equal(call.awaiting, 'them');
  assert.equal(call.user_id, liaisonId);

  await page.locator('header').getByRole('link', { name: 'Today' }).click();
  await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
  await worklistSettled(page);
  assert.equal(await checkinItem(page, partner.id).count(), 0, 'the check-in left the worklist');
  assert.deepEqual(p.problems, []);
});

test('a bad follow-up date is refused next to the field', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  const form = page.locator('form.log-form');
  await form.waitFor();
  // The summary is required before anything is sent.
  await form.getByRole('button', { name: 'Log interaction' }).click();
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'summary');
  await form.locator('.field-error:not([hidden])', { hasText: 'This field is required.' }).waitFor();
  await form.getByLabel('Summary').fill('Left a message');
  const yesterday = new Date(Date.now() - 2 * 86400e3);
  await form.getByLabel('Follow-up date').fill(ymd(yesterday));
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/interactions') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Log interaction' }).click();
  assert.equal((await answer).status(), 422);
  const follow = form.getByLabel('Follow-up date');
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'follow_up_at');
  assert.equal(await follow.getAttribute('aria-invalid'), 'true');
  await form.locator('.field-error:not([hidden])').waitFor();
  assert.deepEqual(p.httpErrors.splice(0), [{ status: 422, url: '/api/v1/interactions' }]);
  assert.deepEqual(p.problems, []);
});

test('add a commitment, see it on Today, complete it', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  await page.locator('.commitments-card').waitFor();
  await page.getByRole('button', { name: 'Add commitment' }).click();
  const form = page.locator('#commit-form');
  await form.getByLabel('What was promised').fill('Send the echo turnaround report');
  await form.getByLabel('Due date').fill(ymd(new Date()));
  await form.getByLabel('Promised by').selectOption('us');
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/commitments') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Save commitment' }).click();
  assert.equal((await saved).status(), 201);
  const item = page.locator('.commit', { hasText: 'Send the echo turnaround report' });
  await item.waitFor();
  await item.getByText('Open', { exact: true }).waitFor();

  await page.locator('header').getByRole('link', { name: 'Today' }).click();
  await worklistSettled(page);
  const onToday = page.locator('.work-group[data-kind="commitment"] li', { hasText: 'Send the echo turnaround report' });
  await onToday.waitFor();
  await onToday.getByRole('link', { name: 'Send the echo turnaround report' }).click();
  await page.getByRole('heading', { level: 1, name: partner.name }).waitFor();

  const done = page.waitForResponse((r) => /\/api\/v1\/commitments\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
  await page.locator('.commit', { hasText: 'Send the echo turnaround report' }).getByRole('button', { name: /Mark done/ }).click();
  assert.equal((await done).status(), 200);
  await page.locator('.commit', { hasText: 'Send the echo turnaround report' }).getByText('Done', { exact: true }).waitFor();
  assert.equal(await page.locator('.commit', { hasText: 'Send the echo turnaround report' }).getByRole('button').count(), 0);
  const list = await api.get(`/api/v1/commitments?partner_id=${partner.id}`);
  assert.equal(list.json.items.find((c) => c.title === 'Send the echo turnaround report').status, 'done');

  await page.locator('header').getByRole('link', { name: 'Today' }).click();
  await worklistSettled(page);
  assert.equal(await page.locator('.work-group[data-kind="commitment"] li', { hasText: 'Send the echo turnaround report' }).count(), 0);
  assert.deepEqual(p.problems, []);
});

test('goals side by side: add one and change its status', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  await page.locator('.goal-col').first().waitFor();
  await page.locator('.goal-col[data-side="theirs"]').getByText('Quicker echo reports.').waitFor();
  await page.locator('.goal-offer').getByText('Bupa').waitFor();
  await page.getByRole('button', { name: 'Add goal' }).click();
  const form = page.locator('#goal-form');
  await form.getByRole('textbox', { name: /^Goal/ }).fill('Echo reports within 48 hours');
  await form.getByLabel('Whose goal').selectOption('theirs');
  await form.getByRole('button', { name: 'Save goal' }).click();
  const goal = page.locator('.goal-col[data-side="theirs"] .goal', { hasText: 'Echo reports within 48 hours' });
  await goal.waitFor();
  const patched = page.waitForResponse((r) => /\/api\/v1\/goals\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
  await goal.getByLabel(/Status/).selectOption('in_progress');
  assert.equal((await patched).status(), 200);
  const goals = await api.get(`/api/v1/partners/${partner.id}/goals`);
  assert.equal(goals.json.items.find((g) => g.title === 'Echo reports within 48 hours').status, 'in_progress');
  assert.deepEqual(p.problems, []);
});

test('move a prospect along the pipeline with the keyboard', async () => {
  const { page } = p;
  await page.locator('header').getByRole('link', { name: 'Pipeline' }).click();
  await page.getByRole('heading', { level: 1, name: 'Pipeline' }).waitFor();
  const cardIn = (stage) => page.locator(`.board-col[data-stage="${stage}"] .board-card[data-partner-id="${prospect.id}"]`);
  await cardIn('prospect').waitFor();
  await cardIn('prospect').getByText('Event').waitFor();
  // Tab from the partner's name to its "Move to Contacted" button, then Enter.
  await cardIn('prospect').getByRole('link', { name: prospect.name }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Move to Contacted');
  await page.keyboard.press('Enter');
  await cardIn('contacted').waitFor();
  assert.equal(await cardIn('prospect').count(), 0);
  // The focus follows the card: Enter again moves it on to Meeting.
  await page.waitForFunction(() => document.activeElement && document.activeElement.textContent === 'Move to Meeting');
  await page.keyboard.press('Enter');
  await cardIn('meeting').waitFor();
  // The stage select moves anywhere: Meeting → Active.
  await page.waitForFunction(() => document.activeElement && document.activeElement.textContent === 'Move to Active');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SELECT');
  await cardIn('meeting').getByLabel('Stage').selectOption('active');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await cardIn('active').waitFor();
  await page.getByRole('status').filter({ hasText: 'moved to Active' }).waitFor();

  const rel = await api.get(`/api/v1/partners/${prospect.id}/relationship`);
  assert.deepEqual(rel.json.stages.map((s) => s.to), ['prospect', 'contacted', 'meeting', 'active']);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
});

test('a manager can look at the liaison\'s worklist', async () => {
  const r = await api.post('/api/v1/commitments', { partner_id: partner.id, title: 'Bring the new brochures', due_on: ymd(new Date()) });
  assert.equal(r.status, 201, r.text);
  const m = await openPage(env);
  try {
    await signIn(m.page, 'manager@test.local', undefined, { home: true });
    const sel = m.page.getByLabel('Whose list');
    await m.page.waitForFunction((id) => [...document.querySelectorAll('select[name="owner_id"] option')].some((o) => o.value === String(id)), liaisonId);
    await sel.selectOption(String(liaisonId));
    await m.page.locator('.work-group[data-kind="commitment"] li', { hasText: 'Bring the new brochures' }).waitFor();
    assert.equal(new URL(m.page.url()).searchParams.get('owner_id'), String(liaisonId));
    assert.deepEqual(m.problems, []);
  } finally { await m.close(); }
});

test('an empty worklist says the day is clear', async () => {
  const c = await openPage(env);
  try {
    await signIn(c.page, 'clinician@test.local', undefined, { home: true });
    await c.page.getByText('Your day is clear').waitFor();
    assert.deepEqual(c.problems, []);
  } finally { await c.close(); }
});

test('the Today page in Arabic, right to left', async () => {
  const a = await openPage(env);
  const { page } = a;
  try {
    await page.goto('/sign-in');
    await page.evaluate(() => localStorage.setItem('liaison.lang', 'ar'));
    // An overdue promise: made due today, then dated back (a past due date is refused on creation).
    const made = await api.post('/api/v1/commitments', { partner_id: partner.id, title: 'إرسال جدول العيادات', due_on: ymd(new Date()) });
    await api.patch(`/api/v1/commitments/${made.json.id}`, { due_on: ymd(new Date(Date.now() - 86400e3)) });
    await page.reload();
    await page.getByLabel('البريد الإلكتروني').fill('liaison@test.local');
    await page.getByLabel('كلمة المرور').fill((await import('./lib/browser.mjs')).PASSWORD);
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByRole('heading', { level: 1, name: 'اليوم' }).waitFor();
    await worklistSettled(page);
    assert.deepEqual(await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })), { lang: 'ar', dir: 'rtl' });
    await page.getByRole('heading', { level: 2, name: 'الالتزامات' }).waitFor();
    const item = page.locator('.work-group[data-kind="commitment"] li', { hasText: 'إرسال جدول العيادات' });
    await item.getByText('متأخر').first().waitFor();
    await page.locator('header').getByRole('link', { name: 'مسار الشراكات' }).waitFor();
    assert.equal(await page.title(), 'اليوم — Liaison');
    // The group header mirrors: its title starts at the right.
    const box = await page.locator('.work-group h2').first().boundingBox();
    assert.ok(box.x > page.viewportSize().width / 2, `the title sits on the right (x=${box.x})`);
    assert.deepEqual(a.problems, []);
    assert.deepEqual(await a.csp(), []);
  } finally { await a.close(); }
});
