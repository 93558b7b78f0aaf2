// Owners in control, in a real Chromium against the running portal: an outsider
// requests a breaking migration of a dataset she does not own; its owner is told
// in the portal, approves it, and both see the run proceed without reloading.
//   E2E_BASE_URL=http://localhost:3000 node --test e2e/*.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, launchBrowser, shot, signedIn } from './portal.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('an outsider requests a breaking migration; the owner is notified, approves, and the history follows live', async t => {
  const dataset = `${baseUrl}/catalog/default/resource/tracks`;
  const olivia = await signedIn(browser, 'olivia', dataset, {
    screenshot: 'approval-0-demo-sign-in',
  });
  let ada;
  t.after(async () => {
    if (!t.passed) {
      await shot(olivia, 'approval-failure-olivia');
      if (ada) await shot(ada, 'approval-failure-ada');
    }
  });

  // Olivia may only request: the dialog says the request waits for the owners.
  const version = olivia.getByLabel('Schema version');
  await version.waitFor();
  const before = Number((await version.textContent()).match(/\d+/)[0]);
  await olivia.getByRole('button', { name: 'Migrate' }).click();
  const dialog = olivia.getByRole('dialog');
  await dialog.getByLabel('Target version').waitFor();
  await dialog.getByRole('button', { name: 'Field Change 1 field' }).click();
  const lastOption = olivia.getByRole('option').last();
  const field = (await lastOption.textContent()).replace(/ \(.*\)$/, '');
  await lastOption.click();
  await dialog
    .getByLabel('Change 1 new name')
    .fill(`${field.slice(0, 40)}_v${before + 1}`);
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  await dialog.getByLabel('Needs approval').waitFor();
  await shot(olivia, 'approval-1-outsider-requests');
  await dialog.getByRole('button', { name: 'Request migration' }).click();
  await dialog.waitFor({ state: 'detached' });

  await olivia
    .getByRole('link', { name: 'Migration History', exact: true })
    .click();
  const oliviaRun = olivia.getByRole('button', {
    name: `Run to version ${before + 1}`,
  });
  await oliviaRun.getByText('Awaiting approval').waitFor();
  await oliviaRun.click();
  await olivia
    .getByRole('region', { name: 'Approval' })
    .getByText(/You may not approve migrations of this dataset/)
    .waitFor();
  // No empty Steps table: what the run waits for.
  await olivia
    .getByText('No step has run: the run starts once it is approved.')
    .waitFor();
  await shot(olivia, 'approval-2-outsider-waits');

  // A mark on Olivia's page that any reload or navigation would wipe.
  await olivia.evaluate(() => {
    window.__sameDocument = true;
  });

  // Ada owns tracks: the portal tells her, and the notification leads to the run.
  ada = await signedIn(browser, 'ada', `${baseUrl}/notifications`);
  const notice = ada.getByText(/tracks.*awaits? (your )?approval/i).first();
  await notice.waitFor({ timeout: 60_000 });
  await shot(ada, 'approval-3-owner-notified');
  await notice.click();
  const approval = ada.getByRole('region', { name: 'Approval' });
  await approval.waitFor();
  await approval
    .getByLabel('Approval comment')
    .fill('Podcasts asked on the data-platform channel; fine to rename');
  await shot(ada, 'approval-4-owner-approves');
  await approval.getByRole('button', { name: 'Approve' }).click();
  await approval.waitFor({ state: 'detached' });
  await ada
    // The approver by the name the catalog gives her, as the portal shows people.
    .getByText(/Approved by Ada Lovelace, /)
    .first()
    .waitFor();

  // Olivia's page, untouched since, follows the run through to success: signals, no reload.
  await oliviaRun.getByText('Succeeded').waitFor({ timeout: 90_000 });
  await olivia
    // The approver by the name the catalog gives her, as the portal shows people.
    .getByText(/Approved by Ada Lovelace, /)
    .first()
    .waitFor();
  await olivia
    .getByText(/fine to rename/)
    .first()
    .waitFor();
  assert.equal(await olivia.evaluate(() => window.__sameDocument), true);
  await shot(olivia, 'approval-5-history-updated-live');

  // Olivia is not on the platform team: New campaign is there, and says why not.
  await olivia.getByRole('link', { name: 'Campaigns', exact: true }).click();
  const create = olivia.getByRole('button', { name: 'New campaign' });
  await create.waitFor();
  assert.equal(await create.getAttribute('aria-disabled'), 'true');
  await create.hover();
  await olivia
    .getByRole('tooltip')
    .getByText(/permission dataset-migrations\.campaign\.create/)
    .waitFor();
  await shot(olivia, 'approval-6-outsider-may-not-create-campaigns');
});
