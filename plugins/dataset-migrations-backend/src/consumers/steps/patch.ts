import { readFile } from 'node:fs/promises';
import type {
  ConsumerImpact,
  ConsumerVerification,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { agentPrompt } from '../agent/agentPrompt';
import type { ConsumerAssessment } from '../impact';
import type { RepositorySnapshot } from '../repositories/RepositoryReader';
import { unifiedDiff } from '../unifiedDiff';
import { inWorkingCopy, pathInWorkingCopy } from '../workingCopy';
import {
  codeReadingFailure,
  ConsumerFailed,
  describeProblems,
  readerFor,
  verifyCommandOf,
  type MigrationContext,
  type StepDependencies,
} from './stepContext';

/**
 * Records the patch of an affected consumer: the rewriter's files, and the coding
 * agent's for those the rewriter cannot take.
 */
export async function patchConsumer(
  deps: StepDependencies,
  context: MigrationContext,
  consumer: MigrationConsumer & { repositoryUrl: string },
  impact: ConsumerImpact,
  results: ConsumerAssessment['results'],
  snapshot: RepositorySnapshot,
): Promise<'patched'> {
  const { migration } = context;
  const { entityRef } = consumer;
  let patchedFiles: ChangedFile[];
  let patchedBy: ConsumerVerification['patchedBy'] = 'rewriter';
  let agentTurns: number | undefined;
  if (impact.status === 'unparseable' || impact.status === 'needs-decision') {
    // Files the rewriter cannot read, and (handed over by a person's decision)
    // files that read a field the migration drops or recomputes; never an
    // installed dbt package's (assessing leaves such a consumer to a person).
    const forAgent = impact.files.filter(
      f =>
        (f.status === 'unparseable' || f.status === 'needs-decision') &&
        !f.dbtPackage,
    );
    if (!deps.agent) {
      throw new ConsumerFailed({
        kind: impact.status,
        message: `${describeProblems(
          impact.files,
          impact.status,
        )} (no coding agent is configured to take these over)`,
      });
    }
    const agentResult = await patchWithAgent(
      deps,
      context,
      { url: consumer.repositoryUrl, commit: snapshot.commit },
      results.filter(r => r.status === 'rewritten'),
      forAgent.map(f => f.path),
      entityRef,
      describeProblems(impact.files, 'needs-decision'),
    );
    patchedFiles = agentResult.files;
    patchedBy = 'agent';
    agentTurns = agentResult.turns;
  } else {
    patchedFiles = results
      .filter(r => r.status === 'rewritten')
      .map(r => ({ path: r.path, content: r.content }));
  }
  const originals = new Map(snapshot.files.map(f => [f.path, f.content]));
  const patch = patchedFiles
    .map(f => unifiedDiff(f.path, originals.get(f.path) ?? '', f.content))
    .join('');
  await deps.consumers.advance(migration.id, entityRef, ['discovered'], {
    state: 'patched',
    patch,
    patchedFiles,
    ...(snapshot.commit ? { patchBaseCommit: snapshot.commit } : {}),
    verification: { patchedBy, agentTurns, shadowChecks: [] },
  });
  return 'patched';
}

async function patchWithAgent(
  deps: StepDependencies,
  context: MigrationContext,
  /** The agent works on the commit the rewriter read: one base for the whole patch. */
  source: { url: string; commit?: string },
  rewritten: Array<{ path: string; content: string }>,
  paths: string[],
  entityRef: string,
  /** Fields the consumer reads that the migration drops or recomputes, by file. */
  decisionProblems: string,
): Promise<{ files: ChangedFile[]; turns: number }> {
  // The agent would run the command it is told must pass: only when commands may run.
  const command = deps.limits.runVerifyCommands
    ? await verifyCommandOf(deps, entityRef)
    : undefined;
  return inWorkingCopy(
    readerFor(deps, source.url),
    source,
    rewritten,
    async dir => {
      const outcome = await deps.agent!.run({
        workdir: dir,
        prompt: agentPrompt({ context, paths, decisionProblems, command }),
        verify: async () => {
          // Each file is told of as before: the first that cannot be read or
          // parsed, in order.
          const written: ChangedFile[] = [];
          let unreadable: { path: string; message: string } | undefined;
          for (const path of paths.filter(p => /\.sql$/i.test(p))) {
            try {
              const file = await pathInWorkingCopy(dir, path);
              written.push({ path, content: await readFile(file, 'utf8') });
            } catch (error) {
              unreadable = { path, message: (error as Error).message };
              break;
            }
          }
          const problem =
            (await deps.code
              .parseProblem(written, context.target)
              .catch(error => {
                throw codeReadingFailure(
                  error,
                  `reading the coding agent's SQL in ${source.url}`,
                );
              })) ?? unreadable;
          return problem
            ? {
                ok: false,
                feedback: `${problem.path} does not parse: ${problem.message}`,
              }
            : { ok: true, feedback: '' };
        },
      });
      if (!outcome.ok) {
        throw new ConsumerFailed({
          kind: 'patch-failed',
          message: `the coding agent did not produce a patch: ${outcome.reason}`,
        });
      }
      const files: ChangedFile[] = [...rewritten];
      for (const path of paths) {
        // The agent's output is untrusted: a symlink could point at backend secrets.
        const file = await pathInWorkingCopy(dir, path).catch(error => {
          throw new ConsumerFailed({
            kind: 'patch-failed',
            message: `the coding agent's ${(error as Error).message}`,
          });
        });
        files.push({ path, content: await readFile(file, 'utf8') });
      }
      return { files, turns: outcome.turns };
    },
  );
}
