// No silent duplicates, on screen (issue 12 point 3): the partner form shows
// a possible duplicate before saving — a link to the partner already there
// and "Save anyway" —, names the partner that holds an identifier, and an
// archived partner's screen has a Restore button whose restore shows on its
// timeline. In English and Arabic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, signedIn } from './lib/browser.mjs';

let env;
let p;
let api; // the same user, through the API

before(async () => {
  env = await setup();
  p = await openPage(env);
  await signIn(p.page, 'manager@test.local');
  p.httpErrors.length = 0;
  api = await signedIn(env.url, 'manager');
});
after(async () => {
  if (p) await p.close();
  if (env) await env.close();
});

async function newPartner(page, name, city, npi) {
  await page.goto('/partners/new');
  await page.getByRole('heading', { level: 1, name: 'New partner' }).waitFor();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('City').fill(city);
  if (npi) {
    await page.getByRole('button', { name: 'Add identifier' }).click();
    const row = page.getByRole('group', { name: 'Identifier 1' });
    await row.getByLabel('Type').selectOption('npi');
    await row.getByLabel('Number').fill(npi);
  }
}

test('a possible duplicate is shown before saving, with a link to it and "Save anyway"', async () => {
  const { page } = p;
  await newPartner(page, 'Dr. Éloïse Martin', 'Springfield', '1234567893');
  await page.getByRole('button', { name: 'Create partner' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dr. Éloïse Martin' }).waitFor();
  const firstPath = new URL(page.url()).pathname;

  // The same name, folded, in the same city: a warning, nothing saved yet.
  await newPartner(page, 'dr. eloise martin', 'SPRINGFIELD');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/partners') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Create partner' }).click();
  assert.equal((await refused).status(), 409);
  const box = page.locator('.dup-warning');
  await box.getByText('Possible duplicate').waitFor();
  const link = box.getByRole('link', { name: 'Dr. Éloïse Martin' });
  assert.equal(await link.getAttribute('href'), firstPath);
  assert.equal(new URL(page.url()).pathname, '/partners/new', 'still on the form');
  const list = await api.get('/api/v1/partners?q=eloise&limit=50');
  assert.equal(list.json.items.length, 1, 'nothing saved before the choice');

  // Save anyway: the second one is made.
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/partners') && r.request().method() === 'POST');
  await box.getByRole('button', { name: 'Save anyway' }).click();
  assert.equal((await saved).status(), 201);
  await page.getByRole('heading', { level: 1, name: 'dr. eloise martin' }).waitFor();
  assert.equal((await api.get('/api/v1/partners?q=eloise&limit=50')).json.items.length, 2);
  p.httpErrors.splice(0, p.httpErrors.length, ...p.httpErrors.filter((e) => e.status !== 409));
});

test('an identifier another partner holds is refused next to the field, naming that partner', async () => {
  const { page } = p;
  await newPartner(page, 'Someone Else Entirely', 'Chicago', '1234567893');
  await page.getByRole('button', { name: 'Create partner' }).click();
  await page.getByText('This identifier already belongs to').waitFor();
  await page.getByText(/“\u2068?Dr\. Éloïse Martin\u2069?”/).waitFor();
  assert.equal(new URL(page.url()).pathname, '/partners/new');
  p.httpErrors.splice(0, p.httpErrors.length, ...p.httpErrors.filter((e) => e.status !== 409));
});

test('an archived partner is restored from its screen, and its timeline says so', async () => {
  const { page } = p;
  const made = await api.post('/api/v1/partners', { name: 'Comeback Clinic', address: { city: 'Dammam' } });
  assert.equal(made.status, 201, made.text);
  assert.equal((await api.del(`/api/v1/partners/${made.json.id}`)).status, 204);
  await page.goto(`/partners/${made.json.id}`);
  await page.getByText('This partner is archived').waitFor();
  const restored = page.waitForResponse((r) => r.url().endsWith('/restore'));
  await page.getByRole('button', { name: 'Restore' }).click();
  assert.equal((await restored).status(), 200);
  await page.getByRole('button', { name: 'Archive' }).waitFor();
  assert.equal(await page.locator('.title-block .badge-archived').count(), 0, 'no Archived badge by the name');
  const item = page.locator('.timeline-item[data-kind="record"]').first();
  await item.getByText('Restored').waitFor();
  assert.deepEqual(p.httpErrors, []);
});

test('in Arabic: the warning, Save anyway and Restore are in Arabic', async () => {
  const { page } = p;
  const made = await api.post('/api/v1/partners', { name: 'د. أحمد الغامدي', address: { city: 'الرياض' } });
  assert.equal(made.status, 201, made.text);
  await newPartner(page, 'د. احمد الغامدي', 'الرياض');
  await page.getByRole('button', { name: 'العربية' }).click();
  await page.getByRole('heading', { level: 1, name: 'شريك جديد' }).waitFor();
  await page.locator('form button[type="submit"]').click();
  const box = page.locator('.dup-warning');
  await box.getByText('تكرار محتمل').waitFor();
  await box.getByRole('button', { name: 'الحفظ على أي حال' }).waitFor();
  await box.getByRole('link', { name: 'د. أحمد الغامدي' }).waitFor();
  assert.doesNotMatch(await box.innerText(), /[A-Za-z]/, 'no Latin letters in the warning');
  // Restore, in Arabic.
  assert.equal((await api.del(`/api/v1/partners/${made.json.id}`)).status, 204);
  await page.goto(`/partners/${made.json.id}`);
  await page.getByRole('button', { name: 'استعادة' }).click();
  await page.locator('.timeline-item[data-kind="record"]').first().getByText('استُعيد').waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  p.httpErrors.splice(0, p.httpErrors.length, ...p.httpErrors.filter((e) => e.status !== 409));
});
