// The partner page's referral chart: referrals per month over the last 24
// months, in and out (GET /analytics/volume), with the figures in a table;
// the counts follow the referrals, and the card translates to Arabic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, openPage, signIn, signedIn } from './lib/browser.mjs';

let env, partner;
before(async () => {
  env = await setup();
  const coord = await signedIn(env.url, 'coordinator');
  let r = await coord.post('/api/v1/partners', { name: 'Chart Heart Centre', kind: 'hospital', specialty: 'Cardiology' });
  assert.equal(r.status, 201, r.text);
  partner = r.json;
  let n = 0;
  for (const direction of ['inbound', 'inbound', 'outbound']) {
    r = await coord.post('/api/v1/referrals', { direction, partner_id: partner.id, urgency: 'routine', reason: 'Chart test',
      patient: { mrn: `CHART-${process.pid}-${++n}`, given: 'Chart', family: `Patient${n}` } });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { if (env) await env.close(); });

test('the partner page charts 24 months of referrals, with the figures on demand, in English and Arabic', async () => {
  const p = await openPage(env);
  const { page } = p;
  try {
    await signIn(page, 'coordinator@test.local');
    await page.goto(`/partners/${partner.id}`);
    const card = page.locator('section[aria-labelledby="volume-title"]');
    await card.getByRole('heading', { name: 'Referrals per month' }).waitFor();
    await card.getByText('2 received and 1 sent in the last 24 months').waitFor();
    // One group of two bars per month; the chart is named by the summary.
    const chart = card.getByRole('img');
    assert.equal(await chart.getAttribute('aria-labelledby'), 'volume-summary');
    assert.equal(await card.locator('svg g').count(), 24);
    const heights = await card.locator('svg g').last().locator('rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
    assert.ok(heights[0] > heights[1] && heights[1] > 0, `this month's bars: ${heights}`);
    // The figures: newest month first.
    const figures = card.locator('details');
    await figures.getByText('Show the figures').click();
    const first = figures.locator('tbody tr').first();
    const now = new Date();
    const label = new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(now);
    assert.deepEqual(await first.locator('th, td').allTextContents(), [label, '2', '1']);
    assert.equal(await figures.locator('tbody tr').count(), 24);

    await page.getByRole('button', { name: 'العربية' }).click();
    await card.getByRole('heading', { name: 'الإحالات شهريًا' }).waitFor();
    await card.getByRole('columnheader', { name: 'المستلمة منهم' }).waitFor();
    const arLabel = new Intl.DateTimeFormat('ar', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(now);
    assert.equal(await first.locator('th').textContent(), arLabel);
    assert.equal(await card.locator('svg text.volume-label').last().textContent(), arLabel, 'the chart\'s month labels too');
    assert.deepEqual(p.problems, []);
  } finally {
    await p.close();
  }
});
