// ICD-10-CM codes on the referral screens (issue 12 point 2): the form's
// diagnosis rows are a type-ahead over the server's code table, by code or
// by words, picked with the keyboard or a tap; each row shows the picked
// code's description, and a code the table lacks is named before sending;
// the referral page lists every code with its description. In English on a
// desktop and in Arabic on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, createPartner } from './lib/browser.mjs';

let env, partner;
before(async () => {
  env = await setup();
  partner = await createPartner(env.url, { name: 'Riyadh Heart Centre', kind: 'hospital', specialty: 'Cardiology' }, 'coordinator');
});
after(async () => { if (env) await env.close(); });

const options = (page) => page.getByRole('listbox').getByRole('option');

test('type-ahead by words and by code, descriptions, an unknown code named, the referral page', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'coordinator@test.local');
    p.httpErrors.length = 0; // the 401 of /me before signing in
    await page.goto(`/referrals/new?partner_id=${partner.id}`);
    await page.getByRole('heading', { level: 1, name: 'New referral' }).waitFor();
    await page.getByLabel('Given name').fill('Layla');
    await page.getByLabel('Family name').fill('Haddad');

    const dx1 = page.getByRole('combobox', { name: 'ICD-10 code 1' });
    await dx1.pressSequentially('type 2 diab ketoac', { delay: 10 });
    await options(page).first().waitFor();
    const texts = await options(page).allTextContents();
    assert.ok(texts.length > 0 && texts.every((t) => /Type 2 diabetes mellitus with ketoacidosis/.test(t)), texts.join(' | '));
    assert.equal(await dx1.getAttribute('aria-expanded'), 'true');
    await dx1.press('ArrowDown');
    assert.equal(await dx1.getAttribute('aria-activedescendant'), await options(page).first().getAttribute('id'));
    assert.match(await options(page).first().textContent(), /^E11\.1Type 2/); // the category first, in code order
    await dx1.press('ArrowDown');
    await dx1.press('Enter'); // picks; does not submit
    assert.equal(await dx1.inputValue(), 'E11.10');
    assert.equal(await dx1.getAttribute('aria-expanded'), 'false');
    assert.equal(new URL(page.url()).pathname, '/referrals/new');
    const row1 = page.locator('.dx-row').nth(0);
    await row1.locator('.dx-desc', { hasText: 'Type 2 diabetes mellitus with ketoacidosis without coma' }).waitFor();

    // A code of the right shape the table lacks is named before sending.
    await page.getByRole('button', { name: 'Add diagnosis' }).click();
    const dx2 = page.getByRole('combobox', { name: 'ICD-10 code 2' });
    await dx2.fill('I20.99');
    await dx2.press('Escape');
    await dx2.blur();
    await page.locator('.dx-row').nth(1).getByText('I20.99 is not an ICD-10-CM code').waitFor();
    // Typed undotted, then chosen with a click.
    await dx2.fill('');
    await dx2.pressSequentially('i10', { delay: 10 });
    await options(page).filter({ hasText: 'Essential (primary) hypertension' }).click();
    assert.equal(await dx2.inputValue(), 'I10');
    await page.locator('.dx-row').nth(1).locator('.dx-desc', { hasText: 'Essential (primary) hypertension' }).waitFor();
    assert.equal(await page.locator('.dx-unknown').count(), 0);

    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/referrals') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create referral' }).click();
    const res = await created;
    assert.equal(res.status(), 201, await res.text());
    assert.deepEqual((await res.json()).diagnoses, ['E11.10', 'I10']);
    await page.getByRole('heading', { level: 1, name: 'Layla Haddad' }).waitFor();
    const list = page.locator('main .dx-list li');
    assert.deepEqual(await list.allTextContents(), [
      'E11.10Type 2 diabetes mellitus with ketoacidosis without coma', 'I10Essential (primary) hypertension']);

    // Editing keeps the codes and shows their descriptions at once.
    await page.getByRole('link', { name: 'Edit packet' }).first().click();
    await page.getByRole('combobox', { name: 'ICD-10 code 2' }).waitFor();
    await page.locator('.dx-row').nth(1).locator('.dx-desc', { hasText: 'Essential (primary) hypertension' }).waitFor();
    assert.deepEqual(p.httpErrors, []);
  } finally {
    await p.close();
  }
});

test('in Arabic on a phone: the labels are Arabic, the choices fit the screen, a tap picks', async () => {
  const p = await openPage(env, { viewport: { width: 390, height: 844 } });
  const { page } = p;
  try {
    await signIn(page, 'coordinator@test.local');
    p.httpErrors.length = 0; // the 401 of /me before signing in
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.goto(`/referrals/new?partner_id=${partner.id}`);
    await page.getByRole('heading', { level: 1, name: 'إحالة جديدة' }).waitFor();
    const dx1 = page.getByRole('combobox', { name: 'رمز ICD-10 رقم 1' });
    assert.equal(await dx1.getAttribute('placeholder'), 'E11.9 أو diabetes');
    await dx1.pressSequentially('E11.9', { delay: 10 });
    const first = options(page).first();
    await first.waitFor();
    assert.match(await first.textContent(), /^E11\.9Type 2 diabetes mellitus without complications$/);
    const box = await page.getByRole('listbox').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390 + 0.5, `listbox ${JSON.stringify(box)} fits 390 px`);
    await first.click();
    assert.equal(await dx1.inputValue(), 'E11.9');
    await page.locator('.dx-row').nth(0).locator('.dx-desc', { hasText: 'Type 2 diabetes mellitus without complications' }).waitFor();
    // Nothing matches: said in Arabic.
    await page.getByRole('button', { name: 'إضافة تشخيص' }).click();
    const dx2 = page.getByRole('combobox', { name: 'رمز ICD-10 رقم 2' });
    await dx2.pressSequentially('zzzz', { delay: 10 });
    await page.getByRole('listbox').getByText('لا يطابق أيَّ رمز ICD-10-CM').waitFor();
    assert.deepEqual(p.httpErrors, []);
  } finally {
    await p.close();
  }
});
