// Referrals have an assignee (issue 12 point 7), in the browser: a manager
// sees an unassigned overdue step on Today, opens the referral, gives it to
// the coordinator with the clinician as receiving clinician; the referral
// screen and its timeline say so (in English and Arabic, at phone width);
// Today is then the coordinator's and the clinician's, no longer the
// manager's; the referrals list filters and shows the assignee.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, createPartner, signedIn, worklistSettled, listSettled } from './lib/browser.mjs';

let env, partner, unassigned, theirs, ids;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

before(async () => {
  env = await setup();
  partner = await createPartner(env.url, { name: 'Assignment Heart Centre', kind: 'hospital', specialty: 'Cardiology' }, 'coordinator');
  const coord = await signedIn(env.url, 'coordinator');
  ids = {};
  for (const role of ['coordinator', 'clinician', 'manager']) ids[role] = (await (await signedIn(env.url, role)).get('/api/v1/me')).json.user.id;
  const make = async (given, extra) => {
    const r = await coord.post('/api/v1/referrals', { direction: 'inbound', partner_id: partner.id, urgency: 'urgent',
      reason: 'Chest pain', sent_at: iso(Date.now() - 10 * 3600e3), patient: { given, family: 'Assignee' }, ...extra });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  unassigned = await make('Unowned');
  theirs = await make('Owned', { assignee_id: ids.clinician });
});
after(async () => { await env?.close(); });

const stepIds = (page) => page.locator('.work-item[data-kind="referral_step"]').evaluateAll((els) => els.map((e) => Number(e.dataset.referralId)));

test('a manager assigns an unassigned referral from Today; the screen and timeline say so; Today follows', async () => {
  const m = await openPage(env);
  try {
    await signIn(m.page, 'manager@test.local', undefined, { home: true });
    await worklistSettled(m.page);
    let shown = await stepIds(m.page);
    assert.ok(shown.includes(unassigned.id), `the unassigned step is on the manager's Today: ${shown}`);
    assert.ok(!shown.includes(theirs.id), 'not the clinician\'s');
    const row = m.page.locator(`.work-item[data-referral-id="${unassigned.id}"]`);
    assert.equal(await row.locator('.badge-unassigned').textContent(), 'Unassigned');

    await row.getByRole('link', { name: `Referral #${unassigned.id}` }).click();
    const card = m.page.locator('.people-card');
    await card.waitFor();
    assert.equal((await card.locator('dd.assignee').textContent()).trim(), 'Unassigned');
    await card.getByRole('button', { name: 'Change' }).click();
    const dialog = m.page.getByRole('dialog');
    await dialog.waitFor();
    const assignee = dialog.getByLabel('Assignee');
    await assignee.locator('option', { hasText: 'Test coordinator' }).waitFor({ state: 'attached' });
    const options = await assignee.locator('option').allTextContents();
    assert.ok(!options.includes('Test manager') && !options.includes('Test liaison'), `only coordinators and clinicians: ${options}`);
    await assignee.selectOption({ label: 'Test coordinator' });
    await dialog.getByLabel('Receiving clinician').selectOption({ label: 'Test clinician' });
    const answer = m.page.waitForResponse((r) => r.url().endsWith(`/referrals/${unassigned.id}/assignment`));
    await dialog.getByRole('button', { name: 'Save' }).click();
    assert.equal((await answer).status(), 200);
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await card.locator('dd.assignee').textContent()).trim(), 'Test coordinator');
    assert.equal((await m.page.locator('.people-card dd.receiving-clinician').textContent()).trim(), 'Test clinician');
    const events = m.page.locator('.timeline-item[data-kind="assigned"]');
    assert.equal(await events.count(), 2);
    const texts = (await events.allTextContents()).join(' | ');
    assert.match(texts, /Assigned to\s*Test coordinator/);
    assert.match(texts, /Receiving clinician:\s*Test clinician/);

    await m.page.goto('/today');
    await worklistSettled(m.page);
    shown = await stepIds(m.page);
    assert.ok(!shown.includes(unassigned.id), 'assigned: off the manager\'s list');
    assert.deepEqual(m.problems, []);
  } finally {
    await m.close();
  }

  for (const [email, role] of [['coordinator@test.local', 'assignee'], ['clinician@test.local', 'receiving']]) {
    const p = await openPage(env);
    try {
      await signIn(p.page, email, undefined, { home: true });
      await worklistSettled(p.page);
      const s = await stepIds(p.page);
      assert.ok(s.includes(unassigned.id), `${email}: now theirs (${s})`);
      if (role === 'receiving') {
        const row = p.page.locator(`.work-item[data-referral-id="${unassigned.id}"]`);
        assert.equal(await row.locator('.work-role').textContent(), 'Receiving clinician');
        assert.ok(s.includes(theirs.id), 'and the one assigned to them');
      } else {
        assert.ok(!s.includes(theirs.id), 'not the clinician\'s');
      }
      assert.deepEqual(p.problems, []);
    } finally {
      await p.close();
    }
  }
});

test('the referrals list filters by assignee and shows the column', async () => {
  const p = await openPage(env);
  try {
    await signIn(p.page, 'coordinator@test.local', undefined, { home: true });
    await p.page.goto(`/referrals?partner_id=${partner.id}&assignee_id=none`);
    await listSettled(p.page);
    const rows = () => p.page.locator('.results tbody tr').evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
    assert.ok(!(await rows()).includes(theirs.id), 'assigned ones are not among the unassigned');
    const sel = p.page.getByLabel('Assignee', { exact: true });
    await sel.locator('option', { hasText: 'Test clinician' }).waitFor({ state: 'attached' });
    const answer = p.page.waitForResponse((r) => r.url().includes('/api/v1/referrals?') && r.url().includes(`assignee_id=${ids.clinician}`));
    await sel.selectOption({ label: 'Test clinician' });
    await answer;
    await listSettled(p.page);
    assert.deepEqual(await rows(), [theirs.id]);
    assert.equal((await p.page.locator(`.results tr[data-id="${theirs.id}"] .col-assignee`).textContent()).trim(), 'Test clinician');
    assert.match(p.page.url(), new RegExp(`assignee_id=${ids.clinician}`));
    assert.deepEqual(p.problems, []);
  } finally {
    await p.close();
  }
});

test('in Arabic at phone width: the people card and the assigned events are in Arabic', async () => {
  const p = await openPage(env, { viewport: { width: 375, height: 800 } });
  try {
    await signIn(p.page, 'coordinator@test.local', undefined, { home: true });
    await p.page.getByRole('button', { name: 'العربية' }).click();
    await p.page.waitForFunction(() => document.documentElement.lang === 'ar');
    await p.page.goto(`/referrals/${unassigned.id}`);
    const card = p.page.locator('.people-card');
    await card.waitFor();
    assert.equal((await card.locator('h2').textContent()).trim(), 'المسؤولون عن الإحالة');
    assert.equal((await card.getByRole('button').textContent()).trim(), 'تغيير');
    const ev = (await p.page.locator('.timeline-item[data-kind="assigned"] strong').allTextContents()).join(' | ');
    assert.match(ev, /أُسندت إلى/);
    assert.match(ev, /الطبيب المستقبِل/);
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling at 375 px (${overflow})`);
    assert.deepEqual(p.problems, []);
  } finally {
    await p.close();
  }
});
