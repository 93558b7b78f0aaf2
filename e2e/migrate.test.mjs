// The flow a data engineer clicks, in a real Chromium against the running portal:
// sign in and land on the Datasets page; edit a spec as YAML and see the form follow,
// a bad field marked inline, the impact and a dry run's sample rows; then open a
// dataset, Migrate with a bad change (the error shows inline), fix it, approve it as
// an owner, watch the run succeed in Migration History, see a consumer's pull request
// on the consumer's own entity page, and see the catalog's new schema version.
//   E2E_BASE_URL=http://localhost:3000 node --test e2e/*.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, launchBrowser, shot as shotOf, signedIn } from './portal.mjs';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const shot = name => shotOf(page, name);

test('signing in lands on the Datasets page; the Migrate dialog is one spec, marks a bad field and shows a dry run', async t => {
  t.after(async () => {
    if (!t.passed && page) await shot('dialog-failure');
  });
  // Grace is in listening-insights, which owns user-profiles.
  page = await signedIn(browser, 'grace', `${baseUrl}/`);
  await page.waitForURL(/\/datasets$/);
  await page
    .getByRole('link', { name: /user.profiles/i })
    .first()
    .waitFor();
  assert.equal(await page.getByText(/PAGE NOT FOUND/i).count(), 0);
  await shot('dialog-0-landing');

  await page.goto(`${baseUrl}/catalog/default/resource/user-profiles`);
  const version = page.getByLabel('Schema version');
  await version.waitFor();
  const next = Number((await version.textContent()).match(/\d+/)[0]) + 1;
  await page.getByRole('button', { name: 'Migrate' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Target version').waitFor();

  // A change of type chooses no type for the person: reviewing it says so on Type.
  await dialog.getByRole('button', { name: /Change 1 kind/ }).click();
  await page.getByRole('option', { name: 'Change type' }).click();
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  await dialog
    .locator('#change-0-type-helper-text')
    .getByText(/no type chosen/)
    .waitFor();
  await shot('dialog-0-no-type-chosen');

  // The spec written as YAML, with a name the schema refuses: the form follows it.
  await dialog.getByRole('tab', { name: 'Spec' }).click();
  await dialog
    .getByRole('textbox', { name: 'Spec' })
    .fill(
      [
        'entityRef: resource:default/user-profiles',
        `targetVersion: ${next}`,
        'changes:',
        '  - renameField: { from: country, to: Country-Code }',
        'dryRun: true',
      ].join('\n'),
    );
  await dialog.getByRole('tab', { name: 'Changes' }).click();
  assert.equal(
    await dialog.getByLabel('Target version').inputValue(),
    String(next),
  );
  assert.match(
    await dialog.getByRole('button', { name: /Change 1 field/ }).textContent(),
    /^country \(text\)/,
  );
  const newName = dialog.getByLabel('Change 1 new name');
  assert.equal(await newName.inputValue(), 'Country-Code');
  assert.equal(
    await dialog.getByRole('checkbox', { name: /Dry run/ }).isChecked(),
    true,
  );

  // The refusal shows on the field it is about, in words, and goes once it changes.
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  const problem = dialog
    .locator('#change-0-to-helper-text')
    .getByText(/must start with a lower-case letter/);
  await problem.waitFor();
  await dialog
    .getByRole('alert')
    .getByText(/one problem is marked on its field/)
    .waitFor();
  await shot('dialog-1-field-error');
  await newName.fill('country_code');
  await problem.waitFor({ state: 'detached' });

  // Reviewed with its impact, though it was written as YAML.
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  await dialog
    .getByRole('table', { name: 'Changes and their compatibility' })
    .waitFor();
  await dialog
    .getByRole('region', { name: 'Consumer impact' })
    .getByText(/reads? this dataset/)
    .waitFor({ timeout: 60_000 });
  await dialog.getByRole('tab', { name: 'Spec' }).click();
  assert.match(
    await dialog.getByRole('textbox', { name: 'Spec' }).inputValue(),
    /to: country_code/,
  );
  await shot('dialog-2-reviewed');

  // The dry run shows the rows it transformed, and offers the real run.
  await dialog.getByRole('button', { name: 'Start dry run' }).click();
  const sample = dialog.getByRole('table', {
    name: 'Sample rows before and after',
  });
  await sample.waitFor({ timeout: 90_000 });
  const rows = await sample.getByRole('row').allInnerTexts();
  assert.equal(rows.length, 2 + 5); // two header rows, five sampled rows
  assert.match(rows[1], /user_id\s+country\s+user_id\s+country_code/);
  await dialog.getByRole('button', { name: 'Run for real' }).waitFor();
  assert.equal(
    await dialog.getByRole('button', { name: 'Run for real' }).isEnabled(),
    true,
  );
  await shot('dialog-3-dry-run');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.close();
});

test('migrate listening-events by renaming a field, from the entity page', async t => {
  t.after(async () => {
    if (!t.passed && page) await shot('failure'); // what the user saw when it broke
  });
  // Ada is in data-platform, which owns the dataset.
  page = await signedIn(
    browser,
    'ada',
    `${baseUrl}/catalog/default/resource/listening-events`,
  );
  const version = page.getByLabel('Schema version');
  await version.waitFor();
  const before = Number((await version.textContent()).match(/\d+/)[0]);

  await page.getByRole('button', { name: 'Migrate' }).click();
  const dialog = page.getByRole('dialog');
  const target = dialog.getByLabel('Target version');
  await target.waitFor(); // the dialog introspects the live schema first
  assert.equal(await target.inputValue(), String(before + 1));

  // Rename the last field (the first is the primary key); the new name carries the
  // version so the test also passes on a portal it already ran against.
  await dialog.getByRole('button', { name: 'Field Change 1 field' }).click();
  const lastOption = page.getByRole('option').last();
  const field = (await lastOption.textContent()).replace(/ \(.*\)$/, '');
  await lastOption.click();

  // A name that is taken: the server refuses the plan and the dialog says why, inline.
  await dialog.getByLabel('Change 1 new name').fill('user_id');
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  await dialog
    .locator('#change-0-to-helper-text')
    .getByText('field "user_id" already exists')
    .waitFor();
  await shot('1-migrate-dialog-error');

  // A good name: the plan shows the change's compatibility class and the SQL.
  await dialog
    .getByLabel('Change 1 new name')
    .fill(`${field.slice(0, 40)}_v${before + 1}`);
  await dialog.getByRole('button', { name: 'Review plan' }).click();
  const review = dialog.getByRole('table', {
    name: 'Changes and their compatibility',
  });
  await review.getByText('Breaking').waitFor();
  await dialog.getByRole('button', { name: 'SQL of create-target' }).click();
  await dialog
    .getByText(/CREATE TABLE "public"\."listening_events_v\d+"/)
    .waitFor();
  // Before submitting: how many consumers read the dataset, read from their repositories.
  await dialog.getByText(/consumers read this dataset: .*affected/).waitFor();
  // And what the name serves from cut-over until contract: the old field and the new.
  const expand = dialog.getByRole('table', {
    name: 'What the name serves until contract',
  });
  await expand.getByRole('row').filter({ hasText: field }).first().waitFor();
  await expand.getByText(/^renamed: the new version's /).waitFor();
  // A breaking change waits for an approval, even the owner's: said before the click.
  await dialog
    .getByLabel('Needs approval')
    .getByText(
      /until someone allowed to approve it does \(the change is breaking\)/,
    )
    .waitFor();
  await shot('2-plan-review');
  await dialog.getByRole('button', { name: 'Request migration' }).click();
  await dialog.waitFor({ state: 'detached' });

  // Start is acknowledged with a link to the run, which opens it in the history.
  const queued = page.getByLabel('Migration queued');
  await queued.getByText(/requested; it waits for approval/).waitFor();
  await queued.getByRole('link', { name: 'Follow it' }).click();
  const run = page.getByRole('button', {
    name: `Run to version ${before + 1}`,
  });
  // A breaking change waits for an approval; the owners may approve their own.
  await run.getByText('Awaiting approval').waitFor();
  // While it holds the dataset, Migrate is disabled and says why on hover.
  const migrate = page.getByRole('button', { name: 'Migrate' });
  assert.equal(await migrate.isDisabled(), true);
  await migrate.hover();
  await page
    .getByRole('tooltip')
    .getByText(
      `The migration to version ${
        before + 1
      } is awaiting approval: a dataset migrates one run at a time`,
    )
    .waitFor();
  await shot('2b-migrate-disabled-while-a-run-waits');
  await page.mouse.move(0, 0);
  // Follow it opened the run: its approval is there without another click.
  const approval = page.getByRole('region', { name: 'Approval' });
  await approval.getByRole('button', { name: 'Approve' }).click();
  await approval.waitFor({ state: 'detached' });
  await run.getByText('Succeeded').waitFor({ timeout: 90_000 });
  await page
    .getByRole('table', { name: 'Steps' })
    .getByText('cut-over')
    .waitFor();
  await page.getByText(/now reads public\.listening_events_v\d+/).waitFor();
  // Verify's figures: the same rows and checksum on both sides.
  await page.getByText('Matched', { exact: true }).waitFor();
  const figures = await page
    .getByRole('table', { name: 'Verification' })
    .getByRole('row')
    .allInnerTexts();
  const [mapped, migrated] = figures.slice(1).map(r => r.split('\t').slice(1));
  assert.deepEqual(mapped, migrated);
  assert.equal(mapped.length, 2); // rows and checksum
  await page.waitForTimeout(500); // let the panel finish opening before the screenshot
  await shot('3-migration-history');

  // The consumers: churn-model reads the renamed field; its rewrite is verified and
  // a pull request is opened in its (local git) repository.
  const consumers = page.getByRole('table', { name: 'Consumers' });
  const churn = consumers.getByRole('row').filter({ hasText: 'churn-model' });
  await churn.getByText('Pull request open').waitFor({ timeout: 90_000 });
  await churn.getByRole('link', { name: /#\d+/ }).waitFor();
  const noRepo = consumers
    .getByRole('row')
    .filter({ hasText: 'ad-hoc-notebooks' });
  await noRepo.getByText(/source-location/).waitFor();
  // Listening-insights owns the notebooks, not Ada's data-platform: Retry failed
  // says so before a click the backend would refuse.
  const retryFailed = page
    .getByRole('region', { name: 'Consumer ledger' })
    .locator('button[aria-disabled="true"]', { hasText: 'Retry failed' });
  await retryFailed.hover();
  await page
    .getByRole('tooltip')
    .getByText(
      /permission dataset-migrations\.consumer\.update for component:default\/ad-hoc-notebooks/,
    )
    .waitFor();
  await shot('4-retry-failed-not-allowed');
  await page
    .getByRole('button', { name: /Show details of .*churn-model/ })
    .click();
  // An added line of the patch reads the renamed field (the Changes block above
  // names it too, so look inside the patch only).
  await page
    .getByLabel('Patch')
    .locator('[data-diff="added"]')
    .filter({ hasText: /legacy_flag_v\d+/ })
    .first()
    .waitFor();
  // Its query joins user-profiles, which it declares in dependsOn, so its check may
  // read it: the rewrite is compared on the engine, not skipped.
  await page
    .getByRole('table', { name: 'Shadow checks' })
    .getByRole('row')
    .filter({ hasText: 'features/user_features.sql' })
    .getByRole('cell', { name: 'match', exact: true })
    .waitFor();
  await shot('4-consumers');

  // The dataset card counts the consumers still moving, per state.
  const cardCounts = async (expected, step) => {
    const deadline = Date.now() + 90_000;
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    for (;;) {
      const text = await page
        .getByLabel('Consumers', { exact: true })
        .textContent()
        .catch(() => '');
      if (expected.test(text)) break;
      if (Date.now() > deadline)
        assert.fail(`the card says "${text}", not ${expected}`);
      await page.waitForTimeout(2000);
      await page.reload();
    }
    await shot(step);
    await page
      .getByRole('link', { name: 'Migration History', exact: true })
      .click();
    await run.click();
  };
  await cardCounts(
    /^2 pull requests open · 1 needs attention · 3 moved$/,
    '5-card-while-consumers-move',
  );

  // Expand: the run says both shapes are served; readers of the old name still work.
  await page
    .getByText(/^Expand: the name serves version \d+'s fields/)
    .waitFor();

  // The pull request opens in the portal: title, branch, diff. Ada may look but not
  // merge: churn-model is listening-insights', so Grace merges it, in her own browser.
  await churn
    .getByRole('button', { name: /View pull request of .*churn-model/ })
    .click();
  let pull = page.getByRole('dialog');
  await pull.getByRole('table', { name: 'Changed files' }).waitFor();
  assert.equal(
    await pull.getByRole('button', { name: 'Merge (demo)' }).isDisabled(),
    true,
  );
  await pull.getByRole('button', { name: 'Close' }).click();
  await pull.waitFor({ state: 'detached' });

  // Churn-model's owners see the run on their own entity page: where it stands, its
  // pull request and patch, and what contract does to it.
  const owner = await signedIn(
    browser,
    'grace',
    `${baseUrl}/catalog/default/component/churn-model`,
  );
  const affected = owner.getByRole('region', {
    name: `Migration of listening-events to version ${before + 1}`,
  });
  await affected
    .getByLabel('Consumer state')
    .getByText('Pull request open')
    .waitFor();
  await affected
    .getByLabel('Pull request', { exact: true })
    .getByText(/^#\d+ \(open\)/)
    .waitFor();
  await affected
    .getByText(/holds it back until its pull request is merged/)
    .waitFor();
  await affected.getByText('The patch').click();
  await affected
    .getByLabel('Patch')
    .locator('[data-diff="added"]')
    .filter({ hasText: /legacy_flag_v\d+/ })
    .first()
    .waitFor();
  // Where a consumer's owner looks first: above the catalog's relations graph.
  const relations = owner.getByRole('heading', { name: 'Relations' });
  await relations.waitFor();
  assert.ok(
    (await affected.boundingBox()).y < (await relations.boundingBox()).y,
    'the migrations card sits above the relations graph',
  );
  await shotOf(owner, '5b-consumer-entity-page');
  await owner.close();

  const grace = await signedIn(browser, 'grace', page.url());
  const graceRun = grace.getByRole('button', {
    name: `Run to version ${before + 1}`,
  });
  await graceRun.click();
  await grace
    .getByRole('table', { name: 'Consumers' })
    .getByRole('row')
    .filter({ hasText: 'churn-model' })
    .getByRole('button', { name: /View pull request of .*churn-model/ })
    .click();
  pull = grace.getByRole('dialog');
  await pull
    .getByLabel('Branch into base')
    .getByText(/→ main/)
    .waitFor();
  await pull.getByRole('table', { name: 'Changed files' }).waitFor();
  await shotOf(grace, '6-pull-request');
  await pull.getByRole('button', { name: 'Merge (demo)' }).click();
  await pull.getByLabel('Pull request state').getByText('merged').waitFor();
  await grace.close();
  // Ada's page hears of it without a reload.
  await churn.getByText(/^Done$/).waitFor({ timeout: 90_000 });
  await cardCounts(
    /^1 pull request open · 1 needs attention · 4 moved$/,
    '7-card-after-merge',
  );

  // Contract is gated: it names who has not moved (ad-hoc-notebooks has no
  // repository), and goes ahead only with a reason and the dataset's name.
  await run.getByRole('button', { name: 'Contract' }).click();
  const contract = page.getByRole('dialog');
  await contract
    .getByText(/still read version \d+ and would break:.*ad-hoc-notebooks/)
    .waitFor();
  const confirm = contract.getByRole('button', { name: 'Contract anyway' });
  assert.equal(await confirm.isDisabled(), true);
  await contract
    .getByRole('textbox', { name: 'reason to contract anyway' })
    .fill('Analysts were told; their notebooks have no repository');
  await contract
    .getByRole('textbox', { name: 'dataset name to confirm' })
    .fill('listening-events');
  await shot('8-contract');
  await confirm.click();
  await contract.waitFor({ state: 'detached' });
  await page
    .getByText(/^Contracted .*: the name serves version \d+ exactly/)
    .waitFor();
  await page.getByText(/Analysts were told/).waitFor();
  await shot('9-contracted');

  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  await page
    .getByLabel('Schema version')
    .getByText(`Schema version ${before + 1}`)
    .waitFor({ timeout: 60_000 });
  await shot('10-entity-new-version');

  // The Datasets page, on the catalog's header, with the run's outcome in words.
  await page.goto(`${baseUrl}/datasets`);
  await page
    .getByRole('row')
    .filter({ hasText: 'Listening events' })
    .getByText('Succeeded')
    .waitFor();
  await shot('11-datasets');
});
