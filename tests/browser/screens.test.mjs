// Every screen, in English and Arabic, at desktop and phone widths: no
// console error, no uncaught exception, no CSP violation, no failed request
// other than the expected 401 from /api/v1/me while signed out, no
// horizontal scrolling on a phone, and keyboard focus is visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, listSettled, worklistSettled, createPartner, signedIn } from './lib/browser.mjs';

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

  // The relationship screens: a call long ago (the check-in is overdue), a
  // follow-up due soon, goals on each side, and commitments open and done.
  const ago = (days) => new Date(Date.now() - days * 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const body of [
    { partner_id: partner.id, contact_id: r.json.id, kind: 'lunch', direction: 'outbound', occurred_at: ago(40), summary: 'Lunch with the whole front office; they want faster cardiology slots.', awaiting: 'them' },
    { partner_id: partner.id, kind: 'email', direction: 'inbound', occurred_at: ago(20), summary: 'Asked for our new referral form.', follow_up_at: new Date(Date.now() + 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  ]) {
    const x = await api.post('/api/v1/interactions', body);
    assert.equal(x.status, 201, x.text);
  }
  for (const body of [{ side: 'theirs', title: 'Cardiology appointments within a week', target_on: '2027-03-01' }, { side: 'ours', title: 'Ten referrals a quarter', status: 'in_progress' }, { side: 'shared', title: 'A shared referral form' }]) {
    const x = await api.post(`/api/v1/partners/${partner.id}/goals`, body);
    assert.equal(x.status, 201, x.text);
  }
  // A due date in the past is refused on creation: the overdue one is made
  // due today, then dated back (a correction, which PATCH allows).
  for (const [body, due] of [[{ partner_id: partner.id, title: 'Send the updated referral form', due_on: ago(0).slice(0, 10) }, ago(3).slice(0, 10)], [{ partner_id: partner.id, title: 'Share the echo schedule', due_on: ago(-2).slice(0, 10), promised_by: 'partner' }, null]]) {
    const x = await api.post('/api/v1/commitments', body);
    assert.equal(x.status, 201, x.text);
    if (due) assert.equal((await api.patch(`/api/v1/commitments/${x.json.id}`, { due_on: due })).status, 200);
  }

  // A referral with a packet, a timeline and an appointment, for the referral screens.
  const coordApi = await signedIn(env.url, 'coordinator');
  const rr = await coordApi.post('/api/v1/referrals', {
    direction: 'outbound', partner_id: partner.id, urgency: 'urgent', specialty: 'Cardiology', care_responsibility: 'co_management',
    patient: { mrn: 'MRN-9001', given: 'Fatimah', family: 'Al-Qahtani Abdulrahman Al-Dosari', birth_date: '1984-09-12', sex: 'female', phone: '+966 55 000 1234', language: 'ar', payer: 'Tawuniya' },
    reason: 'Palpitations and dizziness on exertion for three weeks', diagnoses: ['R00.2', 'R42'],
    packet: { history: 'Two episodes of near-syncope.', medications: 'None', allergies: 'Penicillin (rash)', question: 'Is Holter monitoring indicated?' },
  });
  assert.equal(rr.status, 201, rr.text);
  referral = rr.json;
  for (const body of [{ to: 'sent' }, { to: 'accepted' }, { to: 'scheduled', appointment_at: '2030-12-03T08:15:00Z', location: 'Northside clinic, room 4' }]) {
    const m = await coordApi.post(`/api/v1/referrals/${referral.id}/transitions`, body);
    assert.equal(m.status, 200, m.text);
  }
});
after(async () => { if (env) await env.close(); });

let referral;
const referralScreens = () => [
  { name: 'referral list', path: '/referrals', ready: (page) => listSettled(page) },
  { name: 'empty referral list', path: '/referrals?status=expired&overdue=true', ready: (page) => listSettled(page) },
  { name: 'new referral form', path: `/referrals/new?partner_id=${partner.id}`, ready: (page) => page.locator('form.referral-form').waitFor() },
  { name: 'referral page', path: `/referrals/${referral.id}`, ready: (page) => page.locator('.timeline').waitFor() },
  { name: 'edit packet form', path: `/referrals/${referral.id}/edit`, ready: (page) => page.locator('form.referral-form').waitFor() },
  { name: 'patient page', path: `/patients/${referral.patient.id}`, ready: (page) => page.locator('.referral-table').waitFor() },
  { name: 'missing referral', path: '/referrals/999999', ready: (page) => page.locator('.state-error').waitFor() },
];

const screens = () => [
  { name: 'partner list', path: '/partners', ready: (page) => listSettled(page) },
  { name: 'empty search', path: '/partners?q=nothing-matches-this', ready: (page) => listSettled(page) },
  { name: 'partner page', path: `/partners/${partner.id}`, ready: (page) => page.locator('.contacts-list table').waitFor() },
  { name: 'new partner form', path: '/partners/new', ready: (page) => page.locator('form.partner-form').waitFor() },
  { name: 'edit partner form', path: `/partners/${partner.id}/edit`, ready: (page) => page.locator('form.partner-form').waitFor() },
  { name: 'missing partner', path: '/partners/999999', ready: (page) => page.locator('.state-error').waitFor() },
  { name: 'unknown page', path: '/no/such/page', ready: (page) => page.getByRole('heading', { level: 1 }).waitFor() },
  { name: 'today', path: '/today', ready: (page) => worklistSettled(page) },
  { name: 'pipeline', path: '/pipeline', ready: (page) => page.waitForFunction(() => document.querySelectorAll('.board-col').length === 6 && !document.querySelector('.board .state-loading')) },
  { name: 'settings (not allowed)', path: '/settings', ready: (page) => page.locator('main .state-empty').waitFor() },
  { name: 'partner page relationship', path: `/partners/${partner.id}`, ready: async (page) => {
    await page.locator('.rel-card dl').waitFor();
    await page.locator('.ptimeline, .log-card .state-empty').first().waitFor();
    await page.locator('.goal-col').first().waitFor();
    await page.locator('.commit-list').waitFor();
  } },
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
          await page.getByRole('heading', { level: 1, name: 'اليوم' }).waitFor();
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

for (const lang of ['en', 'ar']) {
  for (const [device, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 740 }]]) {
    test(`every referral screen is clean in ${lang} on a ${device}`, async () => {
      const p = await openPage(env, { viewport });
      const { page } = p;
      try {
        await page.goto('/sign-in');
        await page.evaluate((l) => localStorage.setItem('liaison.lang', l), lang);
        await page.reload();
        await page.locator(`html[lang="${lang}"]`).waitFor();
        await page.locator('form.signin-form input[type="email"]').fill('coordinator@test.local');
        await page.locator('form.signin-form input[type="password"]').fill((await import('./lib/browser.mjs')).PASSWORD);
        await page.locator('form.signin-form button[type="submit"]').click();
        await page.locator('.worklist[aria-busy="false"]').waitFor();
        p.httpErrors.length = 0;
        for (const s of referralScreens()) {
          await page.goto(s.path);
          await s.ready(page);
          assert.equal(await page.evaluate(() => document.documentElement.lang), lang, s.name);
          if (device === 'phone') await noHorizontalScroll(page, s.name);
          assert.deepEqual(p.problems, [], `${s.name}: console errors, page errors or dialogs`);
          assert.deepEqual(await p.csp(), [], `${s.name}: CSP violations`);
          const unexpected = p.httpErrors.filter((e) => !(s.name === 'missing referral' && e.status === 404));
          assert.deepEqual(unexpected, [], `${s.name}: failed API requests`);
          p.httpErrors.length = 0;
        }
        // A move dialog and an appointment dialog fit too.
        await page.goto(`/referrals/${referral.id}`);
        await page.locator('.timeline').waitFor();
        await page.locator('.move-buttons button[data-to="cancelled"]').click();
        await page.getByRole('dialog').waitFor();
        if (device === 'phone') await noHorizontalScroll(page, 'move dialog');
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        await page.locator('.appt-actions button').first().click();
        await page.getByRole('dialog').waitFor();
        if (device === 'phone') await noHorizontalScroll(page, 'appointment dialog');
        await page.keyboard.press('Escape');
        assert.deepEqual(p.problems, []);
        assert.deepEqual(await p.csp(), []);
      } finally { await p.close(); }
    });
  }
}

// The admin's screen: Settings (cadence, service levels, checklists).
for (const lang of ['en', 'ar']) {
  for (const [device, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 375, height: 740 }]]) {
    test(`the settings screen is clean in ${lang} on a ${device}`, async () => {
      const p = await openPage(env, { viewport });
      const { page } = p;
      try {
        await page.goto('/sign-in');
        await page.evaluate((l) => localStorage.setItem('liaison.lang', l), lang);
        await page.reload();
        await page.locator(`html[lang="${lang}"]`).waitFor();
        await page.locator('form.signin-form input[type="email"]').fill('admin@test.local');
        await page.locator('form.signin-form input[type="password"]').fill((await import('./lib/browser.mjs')).PASSWORD);
        await page.locator('form.signin-form button[type="submit"]').click();
        await page.locator('.worklist[aria-busy="false"]').waitFor();
        p.httpErrors.length = 0;
        await page.locator('header a[href="/settings"]').click();
        await page.locator('form.cadence-form').waitFor();
        await page.locator('table.checklist-table').waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
        if (device === 'phone') await noHorizontalScroll(page, 'settings');
        assert.deepEqual(p.problems, [], 'settings: console errors, page errors or dialogs');
        assert.deepEqual(await p.csp(), [], 'settings: CSP violations');
        assert.deepEqual(p.httpErrors, [], 'settings: failed API requests');
      } finally { await p.close(); }
    });
  }
}

test('every control on the settings screen has a visible label, every button has text', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'admin@test.local', undefined, { home: true });
    await page.goto('/settings');
    await page.locator('form.cadence-form').waitFor();
    await page.getByLabel('Holiday date').fill('2026-12-25');
    await page.getByRole('button', { name: 'Add holiday' }).click();
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
    assert.deepEqual(bad, []);
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});

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
    await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
    await page.locator('header').getByRole('link', { name: 'Partners', exact: true }).focus();
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
    for (const path of ['/today', '/pipeline', '/partners', `/partners/${partner.id}`, '/partners/new', `/partners/${partner.id}/edit`]) {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('.state-loading'));
      if (path === `/partners/${partner.id}`) {
        await page.getByRole('button', { name: 'Add contact' }).click();
        await page.getByRole('button', { name: 'Add goal' }).click();
        await page.getByRole('button', { name: 'Add commitment' }).click();
      }
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

test('every control on the referral screens and dialogs has a visible label, every button has text', async () => {
  const p = await openPage(env);
  const { page } = p;
  const check = (where) => page.evaluate(() => {
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
  }).then((bad) => assert.deepEqual(bad, [], where));
  try {
    await signIn(page, 'coordinator@test.local');
    for (const path of ['/referrals', '/referrals/new', `/referrals/${referral.id}`, `/referrals/${referral.id}/edit`, `/patients/${referral.patient.id}`]) {
      await page.goto(path);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('.state-loading'));
      await check(path);
    }
    await page.goto(`/referrals/${referral.id}`);
    await page.locator('.timeline').waitFor();
    for (const to of await page.locator('.move-buttons button').evaluateAll((els) => els.map((e) => e.dataset.to))) {
      await page.locator(`.move-buttons button[data-to="${to}"]`).click();
      await page.getByRole('dialog').waitFor();
      await check(`move dialog ${to}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    for (let i = 0; i < await page.locator('.appt-actions button').count(); i++) {
      await page.locator('.appt-actions button').nth(i).click();
      await page.getByRole('dialog').waitFor();
      await check(`appointment dialog ${i}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
    }
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});
