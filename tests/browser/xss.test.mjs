// User-written text is shown as text, never as markup (style.md convention
// 9): a partner named <img src=x onerror=alert(1)> shows those characters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, listSettled, signedIn } from './lib/browser.mjs';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';
const SVG = '"><svg onload=alert(3)>';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

async function assertNoInjection(p) {
  const { page } = p;
  assert.equal(await page.locator('img:not(.brand-mark)').count(), 0, 'no img element was created');
  assert.equal(await page.locator('main script, main svg:not(.volume-chart), header svg').count(), 0, 'no script or svg element was created');
  // The one SVG of our own (the referral chart) holds only what volume.js draws.
  assert.deepEqual(await page.evaluate(() => [...new Set([...document.querySelectorAll('svg.volume-chart *')].map((e) => e.localName))]
    .filter((n) => !['line', 'text', 'g', 'title', 'rect'].includes(n))), [], 'the chart holds only its own shapes');
  assert.equal(await page.evaluate(() => document.querySelectorAll('[onerror], [onload]').length), 0);
  assert.deepEqual(p.problems, [], 'no dialog, console error or page error');
  assert.deepEqual(await p.csp(), [], 'no CSP violation');
}

test('a partner named <img src=x onerror=alert(1)> is displayed as text everywhere', async () => {
  // Created through the API with markup in every text field …
  const api = await signedIn(env.url, 'liaison');
  const r = await api.post('/api/v1/partners', {
    name: IMG, specialty: SCRIPT, organization: SVG, notes: `${IMG}\n${SCRIPT}`,
    goals_theirs: SVG, payers: [IMG], address: { city: SCRIPT, line: IMG },
    identifiers: [{ scheme: 'other', value: IMG, issuer: SCRIPT }],
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const c = await api.post(`/api/v1/partners/${id}/contacts`, { name: SCRIPT, email: 'x@example.org' });
  assert.equal(c.status, 201, c.text);

  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page);
    // … the list …
    await listSettled(page);
    const link = page.getByRole('link', { name: IMG, exact: true });
    await link.waitFor();
    assert.equal(await link.isVisible(), true);
    await page.locator('.results td', { hasText: SCRIPT }).first().waitFor();
    await assertNoInjection(p);

    // … searching for it …
    await page.getByRole('searchbox', { name: 'Search' }).fill('<img');
    await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 1);
    await assertNoInjection(p);

    // … the partner page, with its contact …
    await link.click();
    const h1 = page.getByRole('heading', { level: 1, name: IMG, exact: true });
    await h1.waitFor();
    assert.equal(await h1.textContent(), IMG);
    assert.equal(await h1.isVisible(), true);
    await page.locator('main').getByText(SVG, { exact: true }).first().waitFor();
    await page.locator('.contacts-list th', { hasText: SCRIPT }).waitFor();
    assert.equal(await page.title(), `${IMG} — Liaison`);
    await assertNoInjection(p);

    // … the archive dialog that quotes the name …
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('dialog').getByText(IMG, { exact: false }).waitFor();
    await assertNoInjection(p);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    // … and the edit form.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit partner' }).waitFor();
    assert.equal(await page.getByLabel('Name').inputValue(), IMG);
    await assertNoInjection(p);
  } finally { await p.close(); }
});

test('the same name typed into the form is saved and shown as text', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page);
    await page.getByRole('link', { name: 'New partner' }).click();
    await page.getByLabel('Name').fill(`${IMG} typed`);
    await page.getByLabel('City').fill(SVG);
    await page.getByRole('button', { name: 'Create partner' }).click();
    const h1 = page.getByRole('heading', { level: 1, name: `${IMG} typed` });
    await h1.waitFor();
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.locator('form.contact-form').getByLabel('Name').fill(IMG);
    await page.locator('form.contact-form').getByRole('button', { name: 'Save contact' }).click();
    await page.locator('.contacts-list th', { hasText: IMG }).waitFor();
    await assertNoInjection(p);
    await page.locator('header').getByRole('link', { name: 'Partners' }).click();
    await listSettled(page);
    await page.getByRole('link', { name: `${IMG} typed` }).waitFor();
    await assertNoInjection(p);
  } finally { await p.close(); }
});
