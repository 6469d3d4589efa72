// Browser-test helpers: a real `liaison serve` (tests/lib/server.mjs) driven
// by Debian's Chromium through playwright-core. Every page records console
// errors, uncaught exceptions, CSP violations and JavaScript dialogs so a test
// can assert there were none.
//
// LIAISON_WEB_ROOT=web serves the UI from the working tree (--web-root)
// instead of the copy embedded in the binary, for a faster edit-test loop.
import { chromium } from 'playwright-core';
import { resolve } from 'node:path';
import { startServer, signedIn, PASSWORD } from '../../lib/server.mjs';

export { PASSWORD, signedIn };

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// Starts a server and a browser; close() stops both.
export async function setup(opts = {}) {
  const args = [...(opts.args || [])];
  if (process.env.LIAISON_WEB_ROOT) args.push('--web-root', resolve(process.env.LIAISON_WEB_ROOT));
  const srv = await startServer({ ...opts, args });
  let browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await srv.stop();
    throw e;
  }
  return {
    srv,
    browser,
    url: srv.url,
    async close() {
      await browser.close().catch(() => {});
      await srv.stop();
    },
  };
}

const HTTP_ERROR = /Failed to load resource: the server responded with a status of (\d+)/;

// A fresh browser context (its own cookies and localStorage) and page.
// problems: console errors, page errors, CSP violations, dialogs.
// httpErrors: the {status, url} of API answers the console reported as
// failed loads (a 401 from /me when signed out, a 422 from a bad form) —
// tests say which they expect.
export async function openPage(env, { locale = 'en-US', viewport = { width: 1280, height: 900 } } = {}) {
  const context = await env.browser.newContext({ baseURL: env.url, locale, viewport });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  const httpErrors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    const hm = text.match(HTTP_ERROR);
    const url = (m.location() && m.location().url) || '';
    if (hm && url.includes('/api/v1/')) {
      httpErrors.push({ status: Number(hm[1]), url: new URL(url).pathname });
      return;
    }
    problems.push(`console.${m.type()}: ${text} ${url}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', async (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on('requestfailed', (r) => {
    const f = r.failure();
    if (f && f.errorText !== 'net::ERR_ABORTED') problems.push(`requestfailed: ${r.url()} ${f.errorText}`);
  });
  return {
    context,
    page,
    problems,
    httpErrors,
    async csp() {
      return page.evaluate(() => window.__cspViolations || []).catch(() => []);
    },
    async close() { await context.close(); },
  };
}

// Signs in through the sign-in page, waits for the home page (Today), then
// opens the partner list from the navigation and waits for it (home: true
// stays on Today).
export async function signIn(page, email = 'liaison@test.local', password = PASSWORD, { home = false } = {}) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Today' }).waitFor();
  await page.locator('.worklist[aria-busy="false"]').waitFor();
  if (home) return;
  await page.locator('header').getByRole('link', { name: 'Partners', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Referral partners' }).waitFor();
}

// Waits until the Today page's worklist has loaded (groups, empty or error).
export async function worklistSettled(page) {
  await page.locator('.worklist[aria-busy="false"]').waitFor();
  await page.locator('.worklist .work-group, .worklist .state-empty, .worklist .state-error').first().waitFor();
}

// Waits until the partner list has finished loading (table, empty or error).
export async function listSettled(page) {
  await page.locator('.results[aria-busy="false"]').waitFor();
  await page.locator('.results table, .results .state-empty, .results .state-error').first().waitFor();
}

// Creates a partner through the API; returns the record.
export async function createPartner(url, body, role = 'liaison') {
  const c = await signedIn(url, role);
  const r = await c.post('/api/v1/partners', body);
  if (r.status !== 201) throw new Error(`create partner: ${r.status} ${r.text}`);
  return r.json;
}
