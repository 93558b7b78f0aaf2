import type {
  ConsumerState,
  ConsumerVerification,
  ShadowCheck,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { runSandboxed } from '../sandbox/runSandboxed';
import { datasetsReadBeside } from '../verification/datasetsReadBeside';
import {
  describeMismatches,
  runShadowChecks,
  versionRelations,
} from '../verification/shadowCheck';
import { inWorkingCopy } from '../workingCopy';
import {
  codeReadingFailure,
  ConsumerFailed,
  readerFor,
  verifyCommandOf,
  type MigrationContext,
  type StepDependencies,
  type StepInput,
} from './stepContext';

/**
 * From `patched`: runs the owner's command on the patched working copy and
 * compares what each patched query returns on the new version with what the
 * original returns on the previous one. `verified` when both hold.
 */
export async function verify(
  deps: StepDependencies,
  context: MigrationContext,
  { consumer, snapshot: readSnapshot }: StepInput,
): Promise<ConsumerState> {
  const { migration, plan, target } = context;
  const { consumers, engines, limits } = deps;
  const { entityRef } = consumer;
  // The patch is checked against the commit it was made from, as its pull request
  // is pinned there: the original queries are that commit's, not the branch's now.
  const { files, baseCommit } = await consumers.getPatch(
    migration.id,
    entityRef,
  );
  const snapshot = await readSnapshot(baseCommit);
  const previous = consumer.verification ?? {
    patchedBy: 'rewriter',
    shadowChecks: [],
  };

  const command = await verifyCommandOf(deps, entityRef);
  let evidence: ConsumerVerification['command'];
  // The command is a catalog annotation: code from whoever registered the entity.
  const commandNotRun =
    command && !limits.runVerifyCommands
      ? `\`${command}\` was not run: verify commands are off (datasetMigrations.consumers.verify.commands)`
      : undefined;
  if (command && !commandNotRun) {
    const url = consumer.repositoryUrl!;
    const { signal, memoryExceeded, ...result } = await inWorkingCopy(
      readerFor(deps, url),
      { url, commit: baseCommit },
      files,
      dir =>
        runSandboxed({
          command,
          cwd: dir,
          timeoutMs: limits.commandTimeoutMs,
          memoryMb: limits.commandMemoryMb,
          isolation: limits.commandIsolation,
        }),
    );
    evidence = result;
    if (evidence.exitCode !== 0 || evidence.timedOut) {
      await consumers.advance(migration.id, entityRef, ['patched'], {
        state: 'patched',
        verification: { ...previous, command: evidence },
      });
      throw new ConsumerFailed({
        kind: 'verification-failed',
        message: `\`${command}\` ${
          evidence.timedOut
            ? `did not finish within ${limits.commandTimeoutMs / 1000} s`
            : `exited with ${evidence.exitCode}`
        }${
          memoryExceeded ? ' (memory limit reached)' : ''
        }: ${evidence.outputTail.slice(-500)}`,
      });
    }
  }

  const shadowChecks: ShadowCheck[] = [];
  if (migration.contractedAt) {
    shadowChecks.push({
      path: '*',
      statement: 0,
      outcome: 'skipped',
      detail:
        'the previous version was contracted; there is nothing to compare with',
    });
  } else {
    const engine = engines.get(plan.engine);
    const alsoReads = await datasetsReadBeside(deps, context, entityRef);
    const renamed = plan.targetTable ? context.mapping.renamedTo : undefined;
    const relations = versionRelations(
      engine,
      { table: plan.table },
      migration.fromVersion,
      migration.targetVersion,
      renamed && { table: plan.targetTable! },
    );
    const planned = await deps.code
      .shadowPlan({
        snapshot: snapshot.files,
        patched: files,
        target,
        ...(renamed ? { renamedTo: renamed } : {}),
        // Files a person handed to the agent read what the new version no longer
        // has: their results are not expected to match the original's.
        handedOver:
          consumer.decision?.kind === 'agent'
            ? (consumer.impact?.files ?? [])
                .filter(f => f.status === 'needs-decision')
                .map(f => f.path)
            : [],
        relations,
      })
      .catch(error => {
        throw codeReadingFailure(
          error,
          `reading ${consumer.repositoryUrl} for its shadow checks`,
        );
      });
    shadowChecks.push(
      ...(await runShadowChecks(
        { engine, relations, timeoutMs: limits.shadowTimeoutMs, alsoReads },
        planned,
      )),
    );
  }
  const verification: ConsumerVerification = {
    ...previous,
    command: evidence,
    // Explicit, so a reason left by an earlier attempt does not outlive the setting.
    commandNotRun,
    shadowChecks,
  };
  const mismatches = shadowChecks.filter(c => c.outcome === 'mismatch');
  if (mismatches.length > 0) {
    await consumers.advance(migration.id, entityRef, ['patched'], {
      state: 'patched',
      verification,
    });
    throw new ConsumerFailed({
      kind: 'shadow-mismatch',
      message: describeMismatches(mismatches),
    });
  }
  await consumers.advance(migration.id, entityRef, ['patched'], {
    state: 'verified',
    verification,
  });
  return 'verified';
}
