// Campaigns, in a real Chromium against the running portal: the platform team's
// Ada plans a campaign over the demo fleet's data-platform datasets, reviews the
// waves, starts it, watches the canary move on the dashboard, pauses, resumes and
// aborts it while the canary soaks.
//   E2E_BASE_URL=http://localhost:3000 node --test e2e/*.test.mjs
import { after, before, test } from 'node:test';
import { baseUrl, launchBrowser, shot, signedIn } from './portal.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The demo campaign (demo/campaigns/fleet-account-id.yaml), narrowed to the
// datasets Ada's team owns: starting it carries her approval for each of them.
const DOCUMENT = `apiVersion: dataset-migrations.io/v1
kind: Campaign
name: e2e-account-id
title: user_id becomes account_id on data-platform's fleet
owner: group:default/data-platform
deadline: '2027-03-31'
selector:
  tags: [fleet]
  owners: [group:default/data-platform]
  hasFields: [user_id]
changes:
  - renameField: { from: user_id, to: account_id }
rollout:
  canary: { datasets: 1 }
  waveSize: 50%
  soak: 10m
  concurrency: 3
`;

test('plan, start, watch the canary on the dashboard, pause, resume and abort a campaign', async t => {
  const ada = await signedIn(browser, 'ada', `${baseUrl}/campaigns/new`);
  t.after(async () => {
    if (!t.passed) await shot(ada, 'campaign-failure');
  });

  const editor = ada.getByLabel('Campaign document');
  await editor.waitFor();
  await editor.fill(DOCUMENT);
  await ada.getByRole('button', { name: 'Review plan' }).click();
  // Each of the 11 data-platform fleet datasets in a wave, the canary first.
  await ada
    .getByText(/Canary/)
    .first()
    .waitFor();
  await ada.getByText('downloads-eu').first().waitFor();
  await shot(ada, 'campaign-1-plan-review');

  await ada.getByRole('button', { name: 'Create campaign' }).click();
  await ada.getByText(/created as a draft/).waitFor();
  await ada.getByRole('button', { name: 'Start', exact: true }).click();
  const confirm = ada.getByRole('dialog');
  await confirm.getByText(/This migrates 11 datasets in \d+ waves/).waitFor();
  await shot(ada, 'campaign-2-start');
  await confirm.getByRole('button', { name: /^Start 11 datasets/ }).click();

  // The dashboard follows the canary until it soaks, without a reload.
  const canary = ada.getByRole('group', { name: 'Wave 0' });
  await canary.waitFor();
  await canary.getByText('Soaking').waitFor({ timeout: 120_000 });
  await canary.getByText('1/1').waitFor();
  // Minutes of progress against a deadline months away: the burndown shows the
  // progress, not a vertical line at its left edge.
  await ada
    .getByText(/^Progress so far; the deadline, .*, is further right\.$/)
    .waitFor();
  await ada.getByRole('button', { name: 'Show until deadline' }).waitFor();
  await shot(ada, 'campaign-3-canary-soaking');

  await ada.getByRole('button', { name: 'Pause', exact: true }).click();
  const pause = ada.getByRole('dialog');
  await pause.getByLabel('Reason').fill('Waiting for the royalties freeze');
  await pause.getByRole('button', { name: 'Pause', exact: true }).click();
  await ada
    .getByRole('status')
    .getByText('Waiting for the royalties freeze')
    .waitFor();
  await canary.getByText('Paused').waitFor();
  await shot(ada, 'campaign-4-paused');

  // Resume asks to confirm, as Pause and Abort do.
  await ada.getByRole('button', { name: 'Resume', exact: true }).click();
  const resume = ada.getByRole('dialog');
  await resume.getByText(/The campaign runs again/).waitFor();
  // It says the resumer's rights bound what the campaign does from now on.
  await resume
    .getByText(/It keeps only the rights you and its starter both hold/)
    .waitFor();
  await shot(ada, 'campaign-4b-resume-dialog');
  await resume.getByRole('button', { name: 'Resume', exact: true }).click();
  await ada
    .getByRole('button', { name: 'Pause', exact: true, disabled: false })
    .waitFor();
  // The pause's notice goes (not any status: the dialog's button left the
  // pointer over the burndown, whose tooltip is a status too).
  await ada
    .getByText('Waiting for the royalties freeze')
    .waitFor({ state: 'detached' });

  // Abort asks why and for the campaign's name; what had not started is skipped.
  await ada.getByRole('button', { name: 'Abort', exact: true }).click();
  const abort = ada.getByRole('dialog');
  await abort.getByLabel('Reason').fill('Replanned for next quarter');
  await abort
    .getByLabel('Type e2e-account-id to confirm')
    .fill('e2e-account-id');
  await abort.getByRole('button', { name: 'Abort campaign' }).click();
  await ada.getByText('Aborted', { exact: true }).first().waitFor();
  await ada.getByText('Skipped', { exact: true }).first().waitFor();
  await canary.getByText('Aborted').waitFor();
  await shot(ada, 'campaign-5-aborted');
});
