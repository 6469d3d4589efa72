// Sign-in, the header, session reload, sign-out, deep links and throttling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, createPartner, PASSWORD } from './lib/browser.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

test('signed out, the app shows the sign-in page', async () => {
  const p = await openPage(env);
  try {
    await p.page.goto('/');
    await p.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(new URL(p.page.url()).pathname, '/sign-in');
    assert.equal(await p.page.getByRole('link', { name: 'Partners' }).count(), 0, 'no navigation before sign-in');
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('a wrong password shows an error and keeps you on the sign-in page', async () => {
  const p = await openPage(env);
  try {
    await p.page.goto('/sign-in');
    await p.page.getByLabel('Email').fill('manager@test.local');
    await p.page.getByLabel('Password').fill('not the password');
    await p.page.getByRole('button', { name: 'Sign in' }).click();
    await p.page.getByRole('alert').filter({ hasText: 'The email or password is not right' }).waitFor();
    assert.equal(new URL(p.page.url()).pathname, '/sign-in');
    assert.equal(await p.page.getByLabel('Password').inputValue(), '', 'the password field is cleared');
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('sign in shows the layout with the user, survives a reload, and sign out returns to sign-in', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'liaison@test.local', PASSWORD, { home: true });
    // The home page after sign-in is Today; the partner list is one click away.
    assert.equal(new URL(page.url()).pathname, '/today');
    const header = page.locator('header');
    await header.getByText('Liaison', { exact: true }).waitFor();
    await header.getByText('Test liaison').waitFor();
    await header.getByText('Physician liaison').waitFor();
    assert.equal(await header.getByRole('link', { name: 'Today' }).getAttribute('aria-current'), 'page');
    await header.getByRole('link', { name: 'Partners', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Referral partners' }).waitFor();
    assert.equal(await header.getByRole('link', { name: 'Partners', exact: true }).getAttribute('aria-current'), 'page');
    await header.getByRole('button', { name: 'العربية' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Referral partners' }).waitFor();
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/today');
    await header.getByText('Test liaison').waitFor();

    await header.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    assert.equal(new URL(page.url()).pathname, '/sign-in');

    // The session is gone on the server too: the list needs a new sign-in.
    await page.goto('/partners');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('a deep link opened signed out lands on its page after sign-in', async () => {
  const partner = await createPartner(env.url, { name: 'Deep Link Clinic', kind: 'clinic' });
  const p = await openPage(env);
  const { page } = p;
  try {
    await page.goto(`/partners/${partner.id}`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('manager@test.local');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Deep Link Clinic' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/partners/${partner.id}`);
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('a clinician reads partners but gets no buttons to change them', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'clinician@test.local');
    await page.locator('header').getByText('Clinician', { exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'New partner' }).count(), 0);
    await page.getByRole('link', { name: 'Deep Link Clinic' }).click();
    await page.getByRole('heading', { level: 1, name: 'Deep Link Clinic' }).waitFor();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Edit' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Archive' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Add contact' }).count(), 0);
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('too many failed sign-ins say how many minutes to wait', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await page.goto('/sign-in');
    const alert = page.locator('.form-alert');
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Email').fill('coordinator@test.local');
      await page.getByLabel('Password').fill(`wrong ${i}`);
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      assert.equal((await answer).status(), 401);
      await alert.filter({ hasText: 'not right' }).waitFor();
    }
    // The sixth attempt is refused even with the right password.
    await page.getByLabel('Password').fill(PASSWORD);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const res = await answer;
    assert.equal(res.status(), 429);
    const minutes = Math.max(1, Math.ceil(Number(res.headers()['retry-after']) / 60));
    await alert.filter({ hasText: `Too many attempts. Try again in ${minutes} minute` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('when the session ends, the next request returns to sign-in and then back to the page', async () => {
  const partner = await createPartner(env.url, { name: 'Session End Clinic' });
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'admin@test.local');
    await page.getByRole('link', { name: 'Session End Clinic' }).waitFor();
    // End the session behind the app's back (as the idle timeout would).
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/v1/me');
      const { csrf_token: csrf } = await r.json();
      return (await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } })).status;
    });
    assert.equal(status, 204);
    p.httpErrors.length = 0;
    await page.getByRole('link', { name: 'Session End Clinic' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
    assert.deepEqual(p.httpErrors, [{ status: 401, url: `/api/v1/partners/${partner.id}` }]);
    await page.getByLabel('Email').fill('admin@test.local');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Session End Clinic' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/partners/${partner.id}`);
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});
