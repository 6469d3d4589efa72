// The partner screens: create, read, search, filter, page, edit, archive,
// contacts, and the server's validation errors shown next to their field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, listSettled, signedIn } from './lib/browser.mjs';

let env;
let p; // one signed-in page for the whole file
let partnerPath;

before(async () => {
  env = await setup();
  p = await openPage(env);
  await signIn(p.page, 'liaison@test.local');
  p.httpErrors.length = 0; // the 401 from /api/v1/me before signing in
});
after(async () => {
  if (p) await p.close();
  if (env) await env.close();
});

test('add a partner with every kind of field', async () => {
  const { page } = p;
  await page.getByRole('link', { name: 'New partner' }).click();
  await page.getByRole('heading', { level: 1, name: 'New partner' }).waitFor();
  await page.getByLabel('Name').fill('Dr. Layla Haddad');
  await page.getByLabel('Kind').selectOption('physician');
  await page.getByLabel('Stage').selectOption('active');
  await page.getByLabel('Specialty').fill('Cardiology');
  await page.getByLabel('Taxonomy code').fill('207RC0000X');
  await page.getByLabel('Organization').fill('Haddad Heart Clinic');
  await page.getByLabel('Phone').fill('+1 555 0100');
  await page.getByLabel('Email').fill('office@haddad.example');
  await page.getByLabel('Street address').fill('1 Main St');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('State or region').fill('IL');
  await page.getByLabel('Postal code').fill('62701');
  await page.getByLabel('Country').fill('US');
  await page.getByRole('button', { name: 'Add identifier' }).click();
  const row1 = page.getByRole('group', { name: 'Identifier 1' });
  await row1.getByLabel('Type').selectOption('npi');
  await row1.getByLabel('Number').fill('1234567893');
  await page.getByRole('button', { name: 'Add identifier' }).click();
  const row2 = page.getByRole('group', { name: 'Identifier 2' });
  await row2.getByLabel('Type').selectOption('license');
  await row2.getByLabel('Number').fill('MD-4411');
  await row2.getByLabel('Issuer').fill('Illinois');
  await row2.getByLabel('Expires on').fill('2027-06-30');
  await page.getByLabel('In our network').check();
  await page.getByLabel('Payers accepted').fill('Aetna, Medicare');
  await page.getByLabel('Languages').fill('en, ar');
  await page.getByLabel('Check-in cadence').fill('45');
  await page.getByLabel('Their goals').fill('Faster echo reports.');
  await page.getByLabel('Our goals with them').fill('Five referrals a month.');
  await page.getByLabel('Notes').fill('Prefers calls after 3 pm.\nClosed Fridays.');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/partners') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Create partner' }).click();
  assert.equal((await created).status(), 201);

  await page.getByRole('heading', { level: 1, name: 'Dr. Layla Haddad' }).waitFor();
  partnerPath = new URL(page.url()).pathname;
  assert.match(partnerPath, /^\/partners\/\d+$/);
  const main = page.locator('main');
  for (const text of ['Cardiology', '207RC0000X', 'Haddad Heart Clinic', '+1 555 0100', 'office@haddad.example',
    '1 Main St', 'Springfield, IL, 62701', '1234567893', 'MD-4411', 'Illinois', 'Aetna', 'Medicare',
    'English', 'Arabic', 'Every 45 days', 'Faster echo reports.', 'Five referrals a month.', 'Jun 30, 2027']) {
    await main.getByText(text, { exact: true }).first().waitFor();
  }
  await main.getByText('Prefers calls after 3 pm.').waitFor();
  await main.locator('.badge', { hasText: 'Active' }).first().waitFor();
  await main.locator('.badge', { hasText: 'In network' }).waitFor();
  await main.locator('dd').getByText(/^You \(\u2068?Test liaison\u2069?\)$/).first().waitFor(); // the owner (the commitment form offers it too)
});

test('add a contact to the partner', async () => {
  const { page } = p;
  await page.goto(partnerPath);
  await page.getByText('No contacts yet').waitFor();
  await page.getByRole('button', { name: 'Add contact' }).click();
  const form = page.locator('form.contact-form');
  await form.getByLabel('Name').fill('Maria Lopez');
  await form.getByLabel('Role').selectOption('office_manager');
  await form.getByLabel('Phone').fill('+1 555 0101');
  await form.getByLabel('Email').fill('maria@haddad.example');
  await form.getByLabel('Preferred channel').selectOption('email');
  await form.getByRole('button', { name: 'Save contact' }).click();
  const row = page.locator('.contacts-list tr', { hasText: 'Maria Lopez' });
  await row.waitFor();
  await row.getByText('Office manager').waitFor();
  await row.getByText('maria@haddad.example').waitFor();
  await row.getByText('Email', { exact: true }).waitFor();
  assert.equal(await form.isHidden(), true, 'the form closes after saving');

  // A bad email is refused by the server and shown next to the field.
  await page.getByRole('button', { name: 'Add contact' }).click();
  await form.getByLabel('Name').fill('Bad Email');
  await form.getByLabel('Email').fill('not-an-email');
  await form.getByRole('button', { name: 'Save contact' }).click();
  const email = form.getByLabel('Email');
  await form.locator('.field-error:not([hidden])').waitFor();
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.match(await form.locator('.field-error:not([hidden])').textContent(), /email/i);
  await form.getByRole('button', { name: 'Cancel' }).click();

  // The contact is there after a reload.
  await page.reload();
  await page.locator('.contacts-list tr', { hasText: 'Maria Lopez' }).waitFor();
  assert.equal(await page.locator('.contacts-list tr', { hasText: 'Bad Email' }).count(), 0);
});

test('find the partner by search (typing and Enter), and by filters', async () => {
  const api = await signedIn(env.url, 'manager');
  for (const [name, specialty, city, stage, kind] of [
    ['Springfield Imaging', 'Radiology', 'Springfield', 'prospect', 'imaging'],
    ['North Lab', 'Pathology', 'Shelbyville', 'contacted', 'laboratory'],
    ['أحمد الحربي', 'طب الأطفال', 'الرياض', 'meeting', 'physician'],
  ]) {
    const r = await api.post('/api/v1/partners', { name, specialty, kind, stage, address: { city } });
    assert.equal(r.status, 201, r.text);
  }
  const { page } = p;
  await page.locator('header').getByRole('link', { name: 'Partners' }).click();
  await listSettled(page);
  const rows = page.locator('.results tbody tr');
  assert.ok(await rows.count() >= 4);

  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('hadd');
  await page.waitForFunction(() => location.search.includes('q=hadd'));
  await listSettled(page);
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 1);
  const row = rows.first();
  await row.getByRole('link', { name: 'Dr. Layla Haddad' }).waitFor();
  await row.getByText('Physician').waitFor();
  await row.getByText('Cardiology').waitFor();
  await row.getByText('Springfield').waitFor();
  await row.getByText('Active').waitFor();
  await row.getByText('Yes').waitFor();

  // Enter submits without waiting for the debounce; Arabic search ignores hamza.
  await search.fill('احمد');
  await search.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 1
    && document.querySelector('.results tbody').textContent.includes('أحمد الحربي'));

  await search.fill('zzz-no-such-partner');
  await search.press('Enter');
  await page.getByText('No partners match').waitFor();

  // Filters: stage and kind; the URL keeps them across a reload.
  await search.fill('');
  await page.getByLabel('Stage').selectOption('contacted');
  await page.waitForFunction(() => {
    const r = document.querySelectorAll('.results tbody tr');
    return r.length === 1 && r[0].textContent.includes('North Lab');
  });
  await page.getByLabel('Stage').selectOption('');
  await page.getByLabel('Kind').selectOption('imaging');
  await page.waitForFunction(() => {
    const r = document.querySelectorAll('.results tbody tr');
    return r.length === 1 && r[0].textContent.includes('Springfield Imaging');
  });
  await page.reload();
  await listSettled(page);
  assert.equal(await page.getByLabel('Kind').inputValue(), 'imaging');
  assert.equal(await rows.count(), 1);
  await page.getByLabel('Kind').selectOption('');
  await listSettled(page);

  // Clicking a row's name opens the partner.
  await search.fill('Dr. Layla');
  await search.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 1
    && document.querySelector('.results tbody').textContent.includes('Layla'));
  await page.getByRole('link', { name: 'Dr. Layla Haddad' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dr. Layla Haddad' }).waitFor();
  assert.equal(new URL(page.url()).pathname, partnerPath);
});

test('edit the partner', async () => {
  const { page } = p;
  await page.goto(partnerPath);
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit partner' }).waitFor();
  assert.equal(await page.getByLabel('Name').inputValue(), 'Dr. Layla Haddad');
  assert.equal(await page.getByLabel('Payers accepted').inputValue(), 'Aetna, Medicare');
  assert.equal(await page.getByRole('group', { name: 'Identifier 1' }).getByLabel('Number').inputValue(), '1234567893');
  assert.equal(await page.getByLabel('In our network').isChecked(), true);

  await page.getByLabel('Specialty').fill('Interventional Cardiology');
  await page.getByLabel('Stage').selectOption('meeting');
  await page.getByLabel('Payers').fill('Aetna, Medicare, Cigna');
  await page.getByLabel('Organization').fill('');
  // Remove the second identifier.
  await page.getByRole('group', { name: 'Identifier 2' }).getByRole('button', { name: 'Remove identifier' }).click();
  assert.equal(await page.getByRole('group', { name: 'Identifier 2' }).count(), 0);
  const saved = page.waitForResponse((r) => r.url().endsWith(partnerPath.replace('/partners', '/api/v1/partners')) && r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Save changes' }).click();
  assert.equal((await saved).status(), 200);
  await page.getByRole('heading', { level: 1, name: 'Dr. Layla Haddad' }).waitFor();
  assert.equal(new URL(page.url()).pathname, partnerPath);
  const main = page.locator('main');
  await main.getByText('Interventional Cardiology', { exact: true }).first().waitFor();
  await main.getByText('Cigna', { exact: true }).waitFor();
  await main.locator('.badge', { hasText: 'Meeting' }).first().waitFor();
  assert.equal(await main.getByText('MD-4411').count(), 0, 'the removed identifier is gone');
  assert.equal(await main.getByText('Haddad Heart Clinic').count(), 0, 'the cleared organization is gone');
});

test('the server\'s validation error (bad NPI check digit) is shown next to its field', async () => {
  const { page } = p;
  await page.goto('/partners/new');
  await page.getByRole('heading', { level: 1, name: 'New partner' }).waitFor();

  // The client checks the required name first.
  await page.getByRole('button', { name: 'Create partner' }).click();
  const name = page.getByLabel('Name');
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  await page.getByText('This field is required.').waitFor();
  assert.equal(await name.evaluate((el) => el === document.activeElement), true);

  await name.fill('Bad NPI Clinic');
  // Row 1 stays blank (the UI leaves it out), row 2 is a good licence, row 3
  // a bad NPI: the server names identifiers[1].value, which is row 3 here.
  const add = page.getByRole('button', { name: 'Add identifier' });
  await add.click();
  await add.click();
  await add.click();
  const row2 = page.getByRole('group', { name: 'Identifier 2' });
  await row2.getByLabel('Type').selectOption('license');
  await row2.getByLabel('Number').fill('L-1001');
  const row3 = page.getByRole('group', { name: 'Identifier 3' });
  await row3.getByLabel('Type').selectOption('npi');
  await row3.getByLabel('Number').fill('1234567890');
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/partners') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Create partner' }).click();
  const res = await answer;
  assert.equal(res.status(), 422);
  const body = await res.json();
  assert.equal(body.error.field, 'identifiers[1].value');
  const bad = row3.getByLabel('Number');
  await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-invalid') === 'true');
  assert.equal(await bad.getAttribute('aria-invalid'), 'true');
  assert.equal(await bad.evaluate((el) => el === document.activeElement), true, 'the bad field has focus');
  assert.equal(await row2.getByLabel('Number').getAttribute('aria-invalid'), null);
  const describedBy = (await bad.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
  const err = page.locator(`[id="${describedBy}"]`);
  await err.waitFor();
  const shown = await err.textContent();
  assert.match(shown, /NPI/);
  const detail = body.error.message.replace(/^identifiers\[\d+\]\.value\s*/, '');
  assert.ok(shown.includes(detail), `shows the server's message "${detail}": ${shown}`);
  assert.equal(new URL(page.url()).pathname, '/partners/new', 'still on the form');
  assert.deepEqual(p.httpErrors.filter((e) => e.status !== 422), []);

  // Fix it: the error clears and the partner is created (with an NPI of its
  // own: 1234567893 is Dr. Layla Haddad's).
  await bad.fill('1245319599');
  await page.getByRole('group', { name: 'Identifier 1' }).getByRole('button', { name: 'Remove identifier' }).click();
  assert.equal(await page.getByRole('group', { name: 'Identifier 3' }).count(), 0, 'rows are renumbered');
  await page.getByRole('button', { name: 'Create partner' }).click();
  await page.getByRole('heading', { level: 1, name: 'Bad NPI Clinic' }).waitFor();
});

test('other server errors land on nested fields too (address.country, languages)', async () => {
  const { page } = p;
  await page.goto('/partners/new');
  await page.getByLabel('Name').fill('Nested Errors');
  await page.getByLabel('Country').fill('us');
  await page.getByRole('button', { name: 'Create partner' }).click();
  const country = page.getByLabel('Country');
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'address.country');
  assert.equal(await country.getAttribute('aria-invalid'), 'true');
  await country.fill('US');
  await page.getByLabel('Languages').fill('en, english!');
  await page.getByRole('button', { name: 'Create partner' }).click();
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'languages');
  assert.equal(await country.getAttribute('aria-invalid'), null, 'the old error is cleared');
  assert.equal(await page.getByLabel('Languages').getAttribute('aria-invalid'), 'true');
});

test('paging with Next and Previous', async () => {
  const api = await signedIn(env.url, 'manager');
  for (let i = 1; i <= 30; i++) {
    const r = await api.post('/api/v1/partners', { name: `Paging Partner ${String(i).padStart(2, '0')}` });
    assert.equal(r.status, 201, r.text);
  }
  const { page } = p;
  await page.goto('/partners?q=Paging');
  await listSettled(page);
  const rows = page.locator('.results tbody tr');
  const next = page.getByRole('button', { name: 'Next' });
  const prev = page.getByRole('button', { name: 'Previous' });
  assert.equal(await rows.count(), 25);
  assert.equal(await prev.isDisabled(), true);
  const first = await rows.first().textContent();
  assert.match(first, /Paging Partner 01/);
  await next.click();
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 5);
  assert.match(await rows.first().textContent(), /Paging Partner 26/);
  assert.equal(await next.isDisabled(), true);
  await page.getByText('Page 2').waitFor();
  await prev.click();
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 25);
  assert.match(await rows.first().textContent(), /Paging Partner 01/);
  assert.equal(await prev.isDisabled(), true);
  // A new search starts from the first page again.
  await next.click();
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 5);
  await page.getByRole('searchbox', { name: 'Search' }).fill('Paging Partner 3');
  await page.getByRole('searchbox', { name: 'Search' }).press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.results tbody tr').length === 1);
  assert.equal(await page.locator('.pager').isHidden(), true, 'one page: no pager');
});

test('archive asks first, then the partner leaves the list', async () => {
  const { page } = p;
  await page.goto(partnerPath);
  await page.getByRole('heading', { level: 1, name: 'Dr. Layla Haddad' }).waitFor();
  await page.getByRole('button', { name: 'Archive' }).click();
  const dialog = page.getByRole('dialog', { name: 'Archive this partner?' });
  await dialog.waitFor();
  await dialog.getByText(/“\u2068?Dr\. Layla Haddad\u2069?” will leave the partner list/).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.locator('.title-block .badge-archived').count(), 0);

  await page.getByRole('button', { name: 'Archive' }).click();
  const archived = page.waitForResponse((r) => r.request().method() === 'DELETE');
  await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
  assert.equal((await archived).status(), 204);
  await page.locator('.title-block .badge-archived').waitFor(); // (the timeline says Archived too)
  await page.getByText('This partner is archived').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Archive' }).count(), 0);

  await page.goto('/partners?q=Layla');
  await page.getByText('No partners match').waitFor();
  await page.getByLabel('Show archived').check();
  await page.getByRole('link', { name: 'Dr. Layla Haddad' }).waitFor();
});

test('a partner that does not exist shows an error state with a retry button', async () => {
  const { page } = p;
  await page.goto('/partners/999999');
  await page.getByRole('alert').filter({ hasText: 'This record was not found.' }).waitFor();
  await page.getByRole('button', { name: 'Try again' }).waitFor();
  await page.getByRole('link', { name: 'All partners' }).click();
  await listSettled(page);
  assert.deepEqual(p.httpErrors.filter((e) => e.status !== 422), [{ status: 404, url: '/api/v1/partners/999999' }]);
  p.httpErrors.splice(0, p.httpErrors.length, ...p.httpErrors.filter((e) => e.status !== 404));
});

test('no console errors, CSP violations or dialogs on the partner screens', async () => {
  assert.deepEqual(p.problems, []);
  assert.deepEqual(await p.csp(), []);
  assert.deepEqual(p.httpErrors.filter((e) => e.status !== 422), []);
});
