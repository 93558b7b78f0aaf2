// A consumer ledger longer than a page, in a real Chromium against the running
// portal: Olivia (podcasts) adds a field to follows-eu, which the demo fleet gives
// 31 readers (its report and 30 dashboards); the run's consumers panel reads the
// ledger a page at a time, pages on, and filters by state on the server.
//   E2E_BASE_URL=http://localhost:3000 node --test e2e/ledger.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseUrl, launchBrowser, shot, shotOf, signedIn } from './portal.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a ledger of 31 consumers, read and shown a page at a time, then filtered by state', async t => {
  const page = await signedIn(
    browser,
    'olivia',
    `${baseUrl}/catalog/default/resource/follows-eu`,
  );
  t.after(async () => {
    if (!t.passed) await shot(page, 'ledger-failure');
  });
  // Every ledger read the portal makes, to check that none reads it whole.
  const ledgerReads = [];
  page.on('request', request => {
    const url = new URL(request.url());
    if (/\/migrations\/[^/]+\/consumers$/.test(url.pathname))
      ledgerReads.push(url);
  });

  const version = page.getByLabel('Schema version');
  await version.waitFor();
  const next = Number((await version.textContent()).match(/\d+/)[0]) + 1;
  await page.getByRole('button', { name: 'Migrate' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Target version').waitFor();
  await dialog.getByRole('tab', { name: 'Spec' }).click();
  await dialog
    .getByRole('textbox', { name: 'Spec' })
    .fill(
      [
        'entityRef: resource:default/follows-eu',
        `targetVersion: ${next}`,
        'changes:',
        `  - addField: { name: note_v${next}, type: text }`,
      ].join('\n'),
    );
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  await dialog
    .getByRole('table', { name: 'Changes and their compatibility' })
    .waitFor({ timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Start migration' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page
    .getByLabel('Migration queued')
    .getByRole('link', { name: 'Follow it' })
    .click();
  const run = page.getByRole('button', { name: `Run to version ${next}` });
  await run.getByText('Succeeded').waitFor({ timeout: 120_000 });

  // Every reader assessed: the report and 20 dashboards read nothing the change
  // touches, the 10 without a repository need a person.
  await page
    .getByText('21 of 31 consumers done or unaffected')
    .waitFor({ timeout: 180_000 });
  const panel = page.getByRole('region', { name: 'Consumer ledger' });
  const table = page.getByRole('table', { name: 'Consumers' });
  const rows = table.locator('[data-testid^="consumer-"]');
  await page.getByText('1-20 of 31').waitFor();
  assert.equal(await rows.count(), 20);
  await shotOf(panel, 'ledger-1-first-page');

  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('21-31 of 31').waitFor();
  await page.waitForFunction(
    () =>
      document.querySelectorAll(
        'table[aria-label="Consumers"] [data-testid^="consumer-"]',
      ).length === 11,
  );
  await shotOf(panel, 'ledger-2-second-page');

  await page.getByRole('button', { name: 'Filter by state' }).click();
  await page.getByRole('option', { name: 'Failed (10)' }).click();
  await page.waitForFunction(
    () =>
      document.querySelectorAll(
        'table[aria-label="Consumers"] [data-testid^="consumer-"]',
      ).length === 10,
  );
  // Ten fit on the first page: no paging controls.
  assert.equal(
    await page.getByRole('button', { name: 'Next page' }).count(),
    0,
  );
  await table.getByText('No repository').first().waitFor();
  await shotOf(panel, 'ledger-3-filtered');

  assert.ok(ledgerReads.length > 0);
  for (const url of ledgerReads)
    assert.ok(
      url.searchParams.has('limit'),
      `the portal read a whole ledger: ${url}`,
    );
  const filtered = ledgerReads.filter(u => u.searchParams.get('state'));
  assert.ok(filtered.some(u => u.searchParams.get('state') === 'failed'));
  await page.close();
});
