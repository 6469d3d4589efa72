// English and Arabic: the switch sets <html lang dir>, translates the page in
// place (keeping what was typed), is remembered across reloads, and Arabic
// text from users comes back byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, listSettled, createPartner, PASSWORD } from './lib/browser.mjs';

let env;
before(async () => {
  env = await setup();
  await createPartner(env.url, {
    name: 'د. ليلى حداد', specialty: 'أمراض القلب', kind: 'physician', stage: 'active', in_network: true,
    address: { city: 'الرياض', country: 'SA' }, languages: ['ar', 'en'],
  });
});
after(async () => { if (env) await env.close(); });

const htmlAttrs = (page) => page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));

test('switch to Arabic: right-to-left, Arabic text, remembered on reload, and back to English', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page);
    assert.deepEqual(await htmlAttrs(page), { lang: 'en', dir: 'ltr' });
    await listSettled(page);

    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { level: 1, name: 'شركاء الإحالة' }).waitFor();
    assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' });
    const header = page.locator('header');
    await header.getByRole('link', { name: 'الشركاء' }).waitFor();
    await header.getByRole('button', { name: 'تسجيل الخروج' }).waitFor();
    await header.getByText('مسؤول علاقات الأطباء').waitFor();
    assert.equal(await page.getByRole('button', { name: 'العربية' }).getAttribute('aria-pressed'), 'true');
    // Column headers, enumerated values and yes/no are translated too.
    const table = page.locator('.results table');
    for (const text of ['الاسم', 'النوع', 'التخصص', 'المدينة', 'المرحلة', 'ضمن الشبكة', 'طبيب', 'نشط', 'نعم']) {
      await table.getByText(text, { exact: true }).first().waitFor();
    }
    await page.getByRole('searchbox', { name: 'بحث' }).waitFor();
    await page.getByRole('link', { name: 'شريك جديد' }).waitFor();
    assert.equal(await page.title(), 'شركاء الإحالة — Liaison');

    // The layout mirrors: the brand sits at the right edge in RTL.
    const brand = await page.locator('.brand').boundingBox();
    const width = page.viewportSize().width;
    assert.ok(brand.x > width / 2, `brand at x=${brand.x} should be on the right`);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'شركاء الإحالة' }).waitFor();
    assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' });
    assert.equal(await page.evaluate(() => localStorage.getItem('liaison.lang')), 'ar');

    // Arabic search, and the partner page in Arabic with an Arabic date.
    await page.getByRole('searchbox', { name: 'بحث' }).fill('ليلى');
    await page.getByRole('searchbox', { name: 'بحث' }).press('Enter');
    await page.getByRole('link', { name: 'د. ليلى حداد' }).click();
    await page.getByRole('heading', { level: 1, name: 'د. ليلى حداد' }).waitFor();
    const main = page.locator('main');
    await main.getByText('أمراض القلب', { exact: true }).first().waitFor();
    await main.getByRole('heading', { name: 'جهات الاتصال' }).waitFor();
    await main.getByRole('button', { name: 'إضافة جهة اتصال' }).waitFor();
    await main.getByText('العربية', { exact: true }).waitFor(); // the language "ar", named in Arabic
    const added = await main.locator('time').first().textContent();
    assert.match(added, /[\u0600-\u06FF]/, `date in Arabic: ${added}`);

    // The form keeps typed text when the language changes.
    await page.goto('/partners/new');
    await page.getByRole('heading', { level: 1, name: 'شريك جديد' }).waitFor();
    await page.getByLabel('الاسم').fill('مستشفى الأمل');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'New partner' }).waitFor();
    assert.deepEqual(await htmlAttrs(page), { lang: 'en', dir: 'ltr' });
    assert.equal(await page.getByLabel('Name').inputValue(), 'مستشفى الأمل');
    await page.getByRole('button', { name: 'Create partner' }).click();
    await page.getByRole('heading', { level: 1, name: 'مستشفى الأمل' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'مستشفى الأمل' }).waitFor();
    assert.deepEqual(await htmlAttrs(page), { lang: 'en', dir: 'ltr' });
    assert.deepEqual(p.problems, []);
    assert.deepEqual(await p.csp(), []);
  } finally { await p.close(); }
});

test('the sign-in page is in Arabic too, and server errors are shown in Arabic words', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('heading', { level: 1, name: 'تسجيل الدخول' }).waitFor();
    assert.deepEqual(await htmlAttrs(page), { lang: 'ar', dir: 'rtl' });
    await page.getByLabel('البريد الإلكتروني').fill('manager@test.local');
    await page.getByLabel('كلمة المرور').fill('wrong');
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByText('البريد الإلكتروني أو كلمة المرور غير صحيحة').waitFor();

    await page.getByLabel('كلمة المرور').fill(PASSWORD);
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByRole('heading', { level: 1, name: 'اليوم' }).waitFor();

    await page.goto('/partners/new');
    await page.getByLabel('الاسم').fill('اختبار');
    await page.getByLabel('رمز التصنيف').fill('12345');
    await page.getByRole('button', { name: 'إنشاء الشريك' }).click();
    const tax = page.getByLabel('رمز التصنيف');
    await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'taxonomy_code');
    assert.equal(await tax.getAttribute('aria-invalid'), 'true');
    await page.locator('.field-error:not([hidden])', { hasText: 'قيمة «رمز التصنيف» غير صالحة' }).waitFor();

    await page.getByRole('button', { name: 'تسجيل الخروج' }).click();
    await page.getByRole('heading', { level: 1, name: 'تسجيل الدخول' }).waitFor();
    await page.getByText('تم تسجيل خروجك.').waitFor();
    assert.deepEqual(p.problems, []);
  } finally { await p.close(); }
});
