// Every screen, in English and Arabic, at desktop and phone widths: no
// console error, no uncaught exception, no CSP violation, no failed request
// other than the expected 401 from /api/v1/me while signed out, no
// horizontal scrolling on a phone, and keyboard focus is visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, listSettled, createPartner, signedIn } from './lib/browser.mjs';

let env;
let partner;
before(async () => {
  env = await setup();
  partner = await createPartner(env.url, {
    name: 'Dr. Samir Khoury — Northside Family Medicine Associates', kind: 'practice', stage: 'contacted',
    specialty: 'Family medicine', organization: 'Northside Family Medicine Associates', phone: '+1 555 0199',
    email: 'referrals@northside-family-medicine.example', in_network: true, languages: ['en', 'ar', 'pt-BR'],
    payers: ['Aetna', 'Blue Cross Blue Shield', 'Medicare Advantage'],
    address: { line: '200 Long Boulevard, Suite 1400', city: 'Springfield', region: 'IL', postal_code: '62704', country: 'US' },
    identifiers: [{ scheme: 'npi', value: '1234567893', issuer: 'CMS', expires_on: null }],
    goals_theirs: 'Quick cardiology appointments for their patients.', notes: 'Second Tuesday lunch.',
  });
  const api = await signedIn(env.url, 'liaison');
  const r = await api.post(`/api/v1/partners/${partner.id}/contacts`, {
    name: 'Nadia Farouk', role: 'referral_coordinator', phone: '+1 555 0142', email: 'nadia.farouk@northside-family-medicine.example', preferred_channel: 'portal',
  });
  assert.equal(r.status, 201, r.text);
});
after(async () => { if (env) await env.close(); });

const screens = () => [
  { name: 'partner list', path: '/partners', ready: (page) => listSettled(page) },
  { name: 'empty search', path: '/partners?q=nothing-matches-this', ready: (page) => listSettled(page) },
  { name: 'partner page', path: `/partners/${partner.id}`, ready: (page) => page.locator('.contacts-list table').waitFor() },
  { name: 'new partner form', path: '/partners/new', ready: (page) => page.locator('form.partner-form').waitFor() },
  { name: 'edit partner form', path: `/partners/${partner.id}/edit`, ready: (page) => page.locator('form.partner-form').waitFor() },
  { name: 'missing partner', path: '/partners/999999', ready: (page) => page.locator('.state-error').waitFor() },
  { name: 'unknown page', path: '/no/such/page', ready: (page) => page.getByRole('heading', { level: 1 }).waitFor() },
];

async function noHorizontalScroll(page, what) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client + 1, `${what}: page is ${scroll}px wide in a ${client}px window`);
}

for (const lang of ['en', 'ar']) {
  for (const [device, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 740 }]]) {
    test(`every screen is clean in ${lang} on a ${device}`, async () => {
      const p = await openPage(env, { viewport });
      const { page } = p;
      try {
        await page.goto('/sign-in');
        await page.evaluate((l) => localStorage.setItem('liaison.lang', l), lang);
        await page.reload();
        await page.locator(`html[lang="${lang}"]`).waitFor();
        await page.locator('form.signin-form').waitFor();
        if (device === 'phone') await noHorizontalScroll(page, 'sign-in');
        assert.deepEqual(p.httpErrors.filter((e) => !(e.status === 401 && e.url === '/api/v1/me')), []);
        p.httpErrors.length = 0;

        if (lang === 'en') await signIn(page);
        else {
          await page.getByLabel('البريد الإلكتروني').fill('liaison@test.local');
          await page.getByLabel('كلمة المرور').fill((await import('./lib/browser.mjs')).PASSWORD);
          await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
          await page.getByRole('heading', { level: 1, name: 'شركاء الإحالة' }).waitFor();
        }
        p.httpErrors.length = 0; // the sign-in page's 401 from /api/v1/me
        for (const s of screens()) {
          await page.goto(s.path);
          await s.ready(page);
          assert.equal(await page.evaluate(() => document.documentElement.lang), lang, s.name);
          if (device === 'phone') await noHorizontalScroll(page, s.name);
          assert.deepEqual(p.problems, [], `${s.name}: console errors, page errors or dialogs`);
          assert.deepEqual(await p.csp(), [], `${s.name}: CSP violations`);
          const unexpected = p.httpErrors.filter((e) => !(s.name === 'missing partner' && e.status === 404));
          assert.deepEqual(unexpected, [], `${s.name}: failed API requests`);
          p.httpErrors.length = 0;
        }
      } finally { await p.close(); }
    });
  }
}

test('the keyboard reaches the controls and the focus ring is visible', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await page.goto('/sign-in');
    await page.locator('form.signin-form').waitFor();
    // Tab from the top: skip link, brand, language buttons, then the form.
    const seen = [];
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => {
        const el = document.activeElement;
        const cs = getComputedStyle(el);
        return { tag: el.tagName, label: el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent.trim(), outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 };
      }));
    }
    const labels = seen.map((s) => s.label);
    for (const want of ['Skip to content', 'English', 'العربية', 'Email', 'Password', 'Sign in']) {
      assert.ok(labels.some((l) => l.startsWith(want)), `Tab reaches ${want}: ${labels.join(' | ')}`);
    }
    assert.ok(seen.every((s) => s.outline), `every focused control shows a focus ring: ${JSON.stringify(seen)}`);

    // Sign in with the keyboard only.
    await page.getByLabel('Email').focus();
    await page.keyboard.type('liaison@test.local');
    await page.keyboard.press('Tab');
    await page.keyboard.type((await import('./lib/browser.mjs')).PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Referral partners' }).waitFor();
    await listSettled(page);
    // The partner link in the table is reachable and opens with Enter.
    const link = page.getByRole('link', { name: partner.name });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: partner.name }).waitFor();
    // The archive dialog closes with Escape and gives focus back.
    await page.getByRole('button', { name: 'Archive' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Archive');
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

test('every form control has a visible label and every button has text', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page);
    for (const path of ['/partners', `/partners/${partner.id}`, '/partners/new', `/partners/${partner.id}/edit`]) {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('.state-loading'));
      if (path === `/partners/${partner.id}`) await page.getByRole('button', { name: 'Add contact' }).click();
      if (path.endsWith('/edit') || path.endsWith('/new')) await page.getByRole('button', { name: 'Add identifier' }).click();
      const bad = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('input, select, textarea')) {
          if (el.type === 'hidden' || el.closest('[hidden]')) continue;
          const label = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
          if (!label || !label.textContent.trim() || label.getClientRects().length === 0) out.push(`control ${el.name || el.id} has no visible label`);
        }
        for (const b of document.querySelectorAll('button')) {
          if (b.closest('[hidden]')) continue;
          if (!b.textContent.trim()) out.push(`button without text: ${b.outerHTML.slice(0, 80)}`);
        }
        return out;
      });
      assert.deepEqual(bad, [], path);
    }
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});
