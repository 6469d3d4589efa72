// The rest of the relationship screens (issue #5): edit a logged interaction
// and read its history (who, when, what changed); mark a request as awaiting
// an answer and later record the answer, which the relationship panel's
// medians count; add a commitment linked to a referral and follow the link;
// owners shown by name (partner page, pipeline, commitments, Today's
// "Whose list"); a pipeline column pages with "Show more".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, signedIn } from './lib/browser.mjs';

let env;
let coord; // the coordinator's API client (partners.write and referrals.read)
let liaison;
let ids = {};
let partner;
let referral;
let p; // the coordinator's page

const rfc = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const hoursAgo = (n) => rfc(new Date(Date.now() - n * 3600e3));
const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

before(async () => {
  env = await setup();
  coord = await signedIn(env.url, 'coordinator');
  liaison = await signedIn(env.url, 'liaison');
  ids.coord = (await coord.get('/api/v1/me')).json.user.id;
  ids.liaison = (await liaison.get('/api/v1/me')).json.user.id;
  // A partner the liaison owns, with one logged call and one referral.
  let r = await coord.post('/api/v1/partners', { name: 'Gulf Orthopaedic Clinic', kind: 'clinic', stage: 'active', owner_id: ids.liaison, specialty: 'Orthopaedics' });
  assert.equal(r.status, 201, r.text);
  partner = r.json;
  r = await coord.post('/api/v1/interactions', { partner_id: partner.id, kind: 'call', direction: 'outbound', occurred_at: hoursAgo(30), summary: 'Talked about the MRI backlog' });
  assert.equal(r.status, 201, r.text);
  r = await coord.post('/api/v1/referrals', { direction: 'outbound', partner_id: partner.id, urgency: 'routine', reason: 'Knee pain',
    patient: { mrn: 'BR-LOG-1', given: 'Salma', family: 'Nasser' } });
  assert.equal(r.status, 201, r.text);
  referral = r.json;
  p = await openPage(env);
  await signIn(p.page, 'coordinator@test.local', undefined, { home: true });
});
after(async () => {
  if (p) await p.close();
  if (env) await env.close();
});

const ixItem = (page, text) => page.locator('.ptimeline .timeline-item[data-kind="interaction"]', { hasText: text });

test('the owner is shown by name, not by number', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  await page.getByRole('heading', { level: 1, name: partner.name }).waitFor();
  const details = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Details' }) });
  await details.locator('.user-name', { hasText: 'Test liaison' }).waitFor();
  assert.equal(await page.getByText(`User #${ids.liaison}`).count(), 0);
  // The edit form offers the people by name.
  await page.goto(`/partners/${partner.id}/edit`);
  const owner = page.getByLabel('Owner');
  await page.waitForFunction(() => [...document.querySelectorAll('select[name="owner_id"] option')].some((o) => o.textContent === 'Test manager'));
  assert.equal(await owner.inputValue(), String(ids.liaison));
  assert.equal(await owner.locator('option:checked').textContent(), 'Test liaison');
  // The pipeline card too.
  await page.goto('/pipeline');
  const card = page.locator(`.board-card[data-partner-id="${partner.id}"]`);
  await card.locator('.board-owner', { hasText: 'Test liaison' }).waitFor();
  assert.deepEqual(p.problems, []);
});

test('edit a logged interaction and read its history', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  const item = ixItem(page, 'Talked about the MRI backlog');
  await item.waitFor();
  assert.equal(await item.locator('details.ix-history').count(), 0, 'never edited: no history yet');
  await item.getByRole('button', { name: /Edit/ }).click();
  const form = page.locator('form.log-form');
  await form.getByRole('heading', { name: 'Edit the interaction' }).waitFor();
  // The same form, filled with the interaction.
  assert.equal(await form.getByLabel('Summary').inputValue(), 'Talked about the MRI backlog');
  assert.equal(await form.getByLabel('Type').inputValue(), 'call');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'summary');
  await form.getByLabel('Summary').fill('Talked about the MRI backlog; they can take two more a week');
  await form.getByLabel('Type').selectOption('meeting');
  const saved = page.waitForResponse((r) => /\/api\/v1\/interactions\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
  await form.getByRole('button', { name: 'Save changes' }).click();
  const res = await saved;
  assert.equal(res.status(), 200);
  assert.deepEqual(Object.keys(JSON.parse(res.request().postData())).sort(), ['kind', 'summary'], 'only what changed is sent');
  const edited = ixItem(page, 'they can take two more a week');
  await edited.waitFor();
  // The form is back to logging a new interaction, and the focus is back on Edit.
  await form.getByRole('heading', { name: 'Log an interaction' }).waitFor();
  assert.equal(await form.getByLabel('Summary').inputValue(), '');
  await page.waitForFunction(() => document.activeElement && document.activeElement.classList.contains('ix-edit'));
  // The history: who, when, what changed.
  const history = edited.locator('details.ix-history');
  await history.locator('summary', { hasText: 'Edit history (1)' }).click();
  const version = history.locator('.ix-version');
  await version.waitFor();
  await version.getByText(/You \(\W?Test coordinator\W?\)/).waitFor();
  assert.equal(await version.locator('time').count() >= 1, true);
  const changes = version.locator('.ix-changes');
  assert.deepEqual(await changes.locator('dt').allTextContents(), ['Type', 'Summary']);
  assert.equal(await changes.locator('dd').nth(0).locator('del').textContent(), 'Call');
  assert.equal(await changes.locator('dd').nth(0).locator('ins').textContent(), 'Meeting');
  assert.equal(await changes.locator('dd').nth(1).locator('del').textContent(), 'Talked about the MRI backlog');
  const api = (await coord.get(`/api/v1/interactions?partner_id=${partner.id}`)).json.items[0];
  assert.equal(api.kind, 'meeting');
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
});

test('mark a request as awaiting their answer, then record the answer', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  const form = page.locator('form.log-form');
  await form.waitFor();
  await page.locator('.rel-theirs').getByText('Not measured yet').waitFor();
  const when = new Date(Date.now() - 5 * 3600e3);
  const local = (d) => `${ymd(d)}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  await form.getByLabel('When').fill(local(when));
  await form.getByLabel('Summary').fill('Asked for their on-call rota for December');
  await form.getByLabel('Awaiting an answer from').selectOption('them');
  const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/interactions') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Log interaction' }).click();
  assert.equal((await posted).status(), 201);
  const item = ixItem(page, 'Asked for their on-call rota');
  await item.getByText('Awaiting their answer').waitFor();

  await item.getByRole('button', { name: 'Mark answered' }).click();
  const answered = item.getByLabel('Answered at');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'responded_at');
  const at = new Date(when.getTime() + 3 * 3600e3);
  await answered.fill(local(at));
  const patched = page.waitForResponse((r) => /\/api\/v1\/interactions\/\d+$/.test(r.url()) && r.request().method() === 'PATCH');
  await item.getByRole('button', { name: 'Save answer time' }).click();
  assert.equal((await patched).status(), 200);
  const after = ixItem(page, 'Asked for their on-call rota');
  await after.getByText('They answered after 3 h').waitFor();
  assert.equal(await after.getByText('Awaiting their answer').count(), 0);
  // The relationship panel counts it: their median answer time.
  await page.locator('.rel-theirs').getByText('Median 3 h, 1 request').waitFor();
  const ix = (await coord.get(`/api/v1/interactions?partner_id=${partner.id}`)).json.items[0];
  assert.equal(ix.awaiting, 'them');
  assert.equal(Date.parse(ix.responded_at), Math.floor(at.getTime() / 60000) * 60000);
  assert.deepEqual(p.problems, []);
});

test('a commitment linked to a referral links to it', async () => {
  const { page } = p;
  await page.goto(`/partners/${partner.id}`);
  await page.getByRole('button', { name: 'Add commitment' }).click();
  const form = page.locator('#commit-form');
  await form.getByLabel('What was promised').fill('Send the MRI report to the clinic');
  await form.getByLabel('Due date').fill(ymd(new Date(Date.now() + 3 * 86400e3)));
  await page.waitForFunction((id) => [...document.querySelectorAll('#commit-form select[name="link"] option')].some((o) => o.value === `referral:${id}`), referral.id);
  await form.getByLabel('Linked to').selectOption(`referral:${referral.id}`);
  // The owner: the coordinator by default, anyone by name.
  assert.equal(await form.getByLabel('Owner').inputValue(), String(ids.coord));
  await form.getByLabel('Owner').selectOption({ label: 'Test liaison' });
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/commitments') && r.request().method() === 'POST');
  await form.getByRole('button', { name: 'Save commitment' }).click();
  const res = await saved;
  assert.equal(res.status(), 201);
  assert.deepEqual([res.request().postDataJSON().referral_id, (await res.json()).owner_id], [referral.id, ids.liaison]);
  const c = page.locator('.commit', { hasText: 'Send the MRI report to the clinic' });
  await c.locator('.commit-owner', { hasText: 'Test liaison' }).waitFor();
  await c.getByRole('link', { name: `For referral #${referral.id}` }).click();
  await page.waitForURL(`**/referrals/${referral.id}`);
  await page.getByRole('heading', { level: 1, name: 'Salma Nasser' }).waitFor();
  assert.deepEqual(p.problems, []);
});

test('a manager picks whose worklist by name', async () => {
  const m = await openPage(env);
  try {
    await signIn(m.page, 'manager@test.local', undefined, { home: true });
    await m.page.waitForFunction(() => [...document.querySelectorAll('select[name="owner_id"] option')].some((o) => o.textContent === 'Test liaison'));
    await m.page.getByLabel('Whose list').selectOption({ label: 'Test liaison' });
    await m.page.waitForURL((u) => u.searchParams.get('owner_id') === String(ids.liaison));
    await m.page.locator('.work-group[data-kind="commitment"] li', { hasText: 'Send the MRI report to the clinic' }).waitFor();
    assert.deepEqual(m.problems, []);
  } finally { await m.close(); }
});

test('a pipeline column shows 100 partners, then more on request', async () => {
  for (let i = 0; i < 101; i++) {
    const r = await coord.post('/api/v1/partners', { name: `Zz Inactive ${String(i).padStart(3, '0')}`, stage: 'inactive' });
    assert.equal(r.status, 201, r.text);
  }
  const { page } = p;
  await page.goto('/pipeline');
  const col = page.locator('.board-col[data-stage="inactive"]');
  await col.locator('.board-card').first().waitFor();
  assert.equal(await col.locator('.board-card').count(), 100);
  assert.equal(await col.locator('.count').textContent(), '100+');
  await col.getByRole('button', { name: 'Show more' }).click();
  await col.locator('.board-card', { hasText: 'Zz Inactive 100' }).waitFor();
  assert.equal(await col.locator('.board-card').count(), 101);
  assert.equal(await col.locator('.count').textContent(), '101');
  assert.equal(await col.getByRole('button', { name: 'Show more' }).count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Zz Inactive 100');
  assert.deepEqual(p.problems, []);
});
