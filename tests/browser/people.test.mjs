// The People screen (/people, admins only) and Change password (/password,
// everyone), issue 12 point 6: an admin adds a person with a temporary
// password, changes a role, deactivates and reactivates, resets a password;
// demoting the last admin shows the true reason; the person whose password
// was reset signs in, sees only the change-password form until they choose
// their own, then goes on; a liaison has no People link, gets the "not
// allowed" state, and changes their own password (a wrong current one is
// shown next to its field). In English and Arabic, at phone width too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, signedIn, PASSWORD } from './lib/browser.mjs';

let env, admin, p;
const TEMP = 'a temporary password 1';

before(async () => {
  env = await setup();
  admin = await signedIn(env.url, 'admin');
  p = await openPage(env);
  await signIn(p.page, 'admin@test.local', undefined, { home: true });
  p.httpErrors.length = 0;
});
after(async () => {
  if (p) await p.close();
  if (env) await env.close();
});

const userByEmail = async (email) => (await admin.get('/api/v1/users?limit=500')).json.items.find((u) => u.email === email);
const rowOf = (page, email) => page.locator(`table.people-table tr[data-email="${email}"]`);
const settled = (page) => page.locator('table.people-table tbody tr').first().waitFor();

async function noHorizontalScroll(page, what) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client + 1, `${what}: page is ${scroll}px wide in a ${client}px window`);
}

test('an admin opens People and sees everyone with role and state', async () => {
  const { page } = p;
  const link = page.locator('header').getByRole('link', { name: 'People', exact: true });
  await link.click();
  await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
  await settled(page);
  assert.equal(new URL(page.url()).pathname, '/people');
  assert.equal(await link.getAttribute('aria-current'), 'page');
  assert.equal(await page.title(), 'People — Liaison');
  for (const role of ['admin', 'manager', 'liaison', 'coordinator', 'clinician']) {
    const row = rowOf(page, `${role}@test.local`);
    await row.waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
  }
  // The admin's own row says so; each role select is named by its person.
  await rowOf(page, 'admin@test.local').getByText('(you)').waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Role Test clinician' }).inputValue(), 'clinician');
  assert.deepEqual(p.problems, []);
});

test('add a person: they appear, must change their password; a taken email is shown on its field', async () => {
  const { page } = p;
  const form = page.locator('form.people-add');
  await form.getByLabel('Name').fill('ليلى حداد');
  await form.getByLabel('Email').fill('layla@test.local');
  await form.getByLabel('Role').selectOption('coordinator');
  await form.getByLabel('Temporary password').fill('short');
  await form.getByRole('button', { name: 'Add person' }).click();
  await form.getByText('Use at least 10 characters.').waitFor();
  assert.equal(await userByEmail('layla@test.local'), undefined, 'nothing sent');
  await form.getByLabel('Temporary password').fill(TEMP);
  await form.getByRole('button', { name: 'Add person' }).click();
  await page.getByRole('status').getByText('ليلى حداد was added.', { exact: false }).waitFor();
  const row = rowOf(page, 'layla@test.local');
  await row.getByText('Must change password').waitFor();
  const u = await userByEmail('layla@test.local');
  assert.equal(u.role, 'coordinator');
  assert.equal(u.require_password_change, true);
  // The same email again.
  await form.getByLabel('Name').fill('Someone else');
  await form.getByLabel('Email').fill('layla@test.local');
  await form.getByLabel('Temporary password').fill(TEMP);
  await form.getByRole('button', { name: 'Add person' }).click();
  await form.getByText('Someone already signs in with this email.').waitFor();
  assert.equal((await admin.get('/api/v1/users?limit=500')).json.items.filter((x) => x.email === 'layla@test.local').length, 1);
  p.httpErrors.length = 0; // the 409
});

test('change a role, deactivate (after a confirm) and reactivate', async () => {
  const { page } = p;
  await page.getByRole('combobox', { name: 'Role Test liaison' }).selectOption('manager');
  await page.getByRole('status').getByText('The role of Test liaison was changed.').waitFor();
  assert.equal((await userByEmail('liaison@test.local')).role, 'manager');

  const row = rowOf(page, 'clinician@test.local');
  await row.getByRole('button', { name: 'Deactivate' }).click();
  const dlg = page.getByRole('dialog', { name: /^Deactivate \W*Test clinician\W*\?$/ });
  await dlg.getByText('signed out everywhere at once', { exact: false }).waitFor();
  await dlg.getByRole('button', { name: 'Deactivate' }).click();
  await rowOf(page, 'clinician@test.local').getByText('Deactivated', { exact: true }).waitFor();
  assert.equal((await userByEmail('clinician@test.local')).active, false);
  await rowOf(page, 'clinician@test.local').getByRole('button', { name: 'Reactivate' }).click();
  await page.getByRole('status').getByText('Test clinician can sign in again.').waitFor();
  await rowOf(page, 'clinician@test.local').getByText('Active', { exact: true }).waitFor();
  assert.equal((await userByEmail('clinician@test.local')).active, true);
  // Put the liaison back for the tests below.
  await page.getByRole('combobox', { name: 'Role Test liaison' }).selectOption('liaison');
  await page.getByRole('status').getByText('The role of Test liaison was changed.').waitFor();
  assert.deepEqual(p.problems, []);
});

test('demoting the last admin is refused with the true reason and changes nothing', async () => {
  const { page } = p;
  await page.getByRole('combobox', { name: 'Role Test admin' }).selectOption('manager');
  await page.getByRole('alert').getByText('This would leave the practice without an active administrator.', { exact: false }).waitFor();
  assert.equal(await page.getByRole('alert').getByText('Try again').count(), 0);
  assert.equal((await userByEmail('admin@test.local')).role, 'admin');
  // The list was read again: the select shows the stored role.
  await page.waitForFunction(() => {
    const s = [...document.querySelectorAll('select.role-select')].find((x) => x.closest('tr').dataset.email === 'admin@test.local');
    return s && s.value === 'admin';
  });
  p.httpErrors.length = 0; // the 409
});

test('reset a password: the person must choose a new one before anything else, then goes on', async () => {
  const { page } = p;
  await rowOf(page, 'coordinator@test.local').getByRole('button', { name: 'Reset password' }).click();
  const dlg = page.getByRole('dialog', { name: /^Reset the password of \W*Test coordinator\W*$/ });
  await dlg.getByLabel('Temporary password').fill(TEMP);
  await dlg.getByRole('button', { name: 'Set temporary password' }).click();
  await page.getByRole('status').getByText('The password of Test coordinator was reset.').waitFor();
  await rowOf(page, 'coordinator@test.local').getByText('Must change password').waitFor();

  const q = await openPage(env, { viewport: { width: 375, height: 740 } });
  try {
    const { page: cp } = q;
    await cp.goto('/sign-in');
    await cp.getByLabel('Email').fill('coordinator@test.local');
    await cp.getByLabel('Password').fill(TEMP);
    await cp.getByRole('button', { name: 'Sign in' }).click();
    await cp.getByRole('heading', { level: 1, name: 'Change password' }).waitFor();
    assert.equal(new URL(cp.url()).pathname, '/password');
    await cp.getByText('An administrator set your password.', { exact: false }).waitFor();
    assert.equal(await cp.locator('header nav').count(), 0, 'no navigation until it is changed');
    await noHorizontalScroll(cp, 'change password (phone)');
    // Any other page leads back here.
    await cp.goto('/partners');
    await cp.getByRole('heading', { level: 1, name: 'Change password' }).waitFor();
    assert.equal(new URL(cp.url()).pathname, '/password');
    // The two new passwords must match; the same password is refused.
    await cp.getByLabel('Current password').fill(TEMP);
    await cp.getByLabel('New password', { exact: true }).fill('my very own new password');
    await cp.getByLabel('New password again').fill('my very own new passwort');
    await cp.getByRole('button', { name: 'Change password' }).click();
    await cp.getByText('The two new passwords differ.').waitFor();
    await cp.getByLabel('New password', { exact: true }).fill(TEMP);
    await cp.getByLabel('New password again').fill(TEMP);
    await cp.getByRole('button', { name: 'Change password' }).click();
    await cp.getByText('Choose a password different from the current one.').waitFor();
    await cp.getByLabel('New password', { exact: true }).fill('my very own new password');
    await cp.getByLabel('New password again').fill('my very own new password');
    await cp.getByRole('button', { name: 'Change password' }).click();
    await cp.getByText('Your password was changed.', { exact: false }).waitFor();
    await cp.getByRole('link', { name: 'Go on' }).click();
    await cp.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await cp.locator('header nav').waitFor();
    assert.deepEqual(q.problems, []);
    assert.deepEqual(q.httpErrors.filter((e) => !(e.status === 401 && e.url === '/api/v1/me') && !(e.status === 422 && e.url === '/api/v1/me/password')), []);
  } finally {
    await q.close();
  }
  const c = await signedIn(env.url, 'admin');
  const row = (await c.get('/api/v1/users?limit=500')).json.items.find((u) => u.email === 'coordinator@test.local');
  assert.equal(row.require_password_change, false);
});

test('a liaison has no People screen and changes their own password', async () => {
  const q = await openPage(env);
  try {
    const { page } = q;
    await signIn(page, 'liaison@test.local', PASSWORD, { home: true });
    assert.equal(await page.locator('header').getByRole('link', { name: 'People', exact: true }).count(), 0);
    await page.goto('/people');
    await page.locator('main .state-empty').getByText('Only administrators manage people.').waitFor();
    await page.locator('header').getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change password' }).waitFor();
    await page.getByLabel('Current password').fill('not my password at all');
    await page.getByLabel('New password', { exact: true }).fill('the liaison new password');
    await page.getByLabel('New password again').fill('the liaison new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not right.').waitFor();
    assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').getByText('Your password was changed.', { exact: false }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/password');
    assert.deepEqual(q.problems, []);
  } finally {
    await q.close();
  }
  const c = new (await import('../lib/server.mjs')).Client(env.url);
  assert.equal((await c.signIn('liaison@test.local', 'the liaison new password')).status, 200);
});

test('People and Change password in Arabic, right to left, at phone width', async () => {
  const q = await openPage(env, { viewport: { width: 375, height: 740 } });
  try {
    const { page } = q;
    await page.goto('/sign-in');
    await page.evaluate(() => localStorage.setItem('liaison.lang', 'ar'));
    await page.reload();
    await page.locator('html[lang="ar"][dir="rtl"]').waitFor();
    await page.getByLabel('البريد الإلكتروني').fill('admin@test.local');
    await page.getByLabel('كلمة المرور').fill(PASSWORD);
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByRole('heading', { level: 1, name: 'اليوم' }).waitFor();
    await page.goto('/people');
    await page.getByRole('heading', { level: 1, name: 'الأشخاص' }).waitFor();
    await settled(page);
    await noHorizontalScroll(page, 'people (ar, phone)');
    const row = rowOf(page, 'clinician@test.local');
    await row.getByText('نشط', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'تعطيل' }).waitFor();
    await rowOf(page, 'layla@test.local').getByText('يجب تغيير كلمة المرور').waitFor();
    await page.locator('form.people-add').getByRole('button', { name: 'إضافة الشخص' }).waitFor();
    // No Latin word on screen but data (names and emails).
    const latin = await page.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent.trim();
        if (!text || n.parentElement.closest('[dir="ltr"], [dir="auto"], option[value="partner"]')) continue;
        if (/[A-Za-z]{2,}/.test(text)) out.push(text);
      }
      return out;
    });
    assert.deepEqual(latin, []);
    await page.goto('/password');
    await page.getByRole('heading', { level: 1, name: 'تغيير كلمة المرور' }).waitFor();
    await page.getByLabel('كلمة المرور الحالية').waitFor();
    await noHorizontalScroll(page, 'password (ar, phone)');
    assert.deepEqual(q.problems, []);
  } finally {
    await q.close();
  }
});
