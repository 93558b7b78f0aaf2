import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, type Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_VERIFY_COMMAND,
  isLiveMigration,
  SETTLED_CONSUMER_STATES,
  type ConsumerFailure,
  type ConsumerPullRequest,
  type FileImpact,
  type MigrationConsumer,
  type ConsumerState,
  type ConsumerVerification,
  type Migration,
  type MigrationPlan,
  type ShadowCheck,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  ChangedFile,
  ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import type { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { CodingAgent } from './agent/CommandCodingAgent';
import { agentBrief } from './agent/CommandCodingAgent';
import type { ConsumerStore } from '../database/ConsumerStore';
import { discoverConsumers } from './discovery';
import { assessConsumer } from './impact';
import { pullRequestBody } from './pullRequestBody';
import { closeComment } from './RollbackSettlement';
import type {
  RepositoryReader,
  RepositorySnapshot,
} from './repositories/RepositoryReader';
import { runSandboxed } from './sandbox/runSandboxed';
import {
  datasetTarget,
  renamedRelation,
  renamedTarget,
  type DatasetTarget,
} from './sql/analyzeSql';
import {
  consumerMapping,
  widenedFields,
  type ConsumerMapping,
} from './sql/fieldMapping';
import { maskJinja } from './sql/dbtJinja';
import { analyzeFile, mentionsDataset, relationText } from './sql/rewriteSql';
import { loadSqlParser } from '../sql/sqlParser';
import { mapConcurrently } from './mapConcurrently';
import { shadowCheckFile } from './verification/shadowCheck';

export interface ConsumerPipelineOptions {
  consumers: ConsumerStore;
  migrations: MigrationStore;
  catalog: DatasetCatalog;
  engines: EngineRegistry;
  readers: RepositoryReader[];
  scm: ScmProvider[];
  agent?: CodingAgent;
  auth: AuthService;
  /** Enqueues one consumer's job; its key makes a repeat a no-op. */
  enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
  /**
   * Called when a consumer of a migration that waits for decisions was assessed
   * again (a retry): queues the migration if no consumer waits for one any more.
   */
  resumeIfDecided?(migrationId: string): Promise<void>;
  limits: {
    commandTimeoutMs: number;
    commandMemoryMb: number;
    shadowTimeoutMs: number;
    /** How far through derived datasets discovery follows readers. */
    maxDepth: number;
  };
}

/** Why a step stopped a consumer: ends it in `failed` with this reason. */
class ConsumerFailed extends Error {
  constructor(readonly failure: ConsumerFailure) {
    super(failure.message);
  }
}

interface MigrationContext {
  migration: Migration;
  plan: MigrationPlan;
  target: DatasetTarget;
  mapping: ConsumerMapping;
}

/** One consumer as a step sees it, with its repository read at most once per job. */
interface StepInput {
  consumer: MigrationConsumer;
  snapshot(): Promise<RepositorySnapshot>;
}

/**
 * Moves each consumer of a migrated dataset through the ledger: discovered →
 * unaffected | patched → verified → pr-opened → merged → done, or failed with the
 * reason. Every step starts from the state the ledger holds and records its
 * outcome only from that state, so jobs may repeat and replicas may race safely.
 */
export class ConsumerPipeline {
  constructor(private readonly options: ConsumerPipelineOptions) {}

  /** Finds the dataset's consumers through catalog lineage and queues each one's job. */
  async discover(migrationId: string): Promise<number> {
    const { consumers, migrations, catalog, auth } = this.options;
    const migration = await migrations.getMigrationWithPlan(migrationId);
    // A rolled-back migration's consumers were superseded; none is added after.
    if (!migration || migration.status === 'rolled-back') return 0;
    const found = await discoverConsumers(
      catalog,
      migration.entityRef,
      await auth.getOwnServiceCredentials(),
      this.options.limits.maxDepth,
    );
    await consumers.addDiscovered(migrationId, found);
    const ledger = await consumers.list(migrationId);
    const open = ledger.filter(c => !SETTLED_CONSUMER_STATES.includes(c.state));
    for (const c of open)
      await this.options.enqueueConsumer(migrationId, c.entityRef);
    return open.length;
  }

  /**
   * Before a migration's first stage: discovers its consumers and assesses, here and
   * now, each one not assessed yet, through the same step as its job (so a job
   * racing this one records nothing twice). Returns the consumers that wait for a
   * person's decision.
   */
  async assessBeforeRun(migrationId: string): Promise<MigrationConsumer[]> {
    const { consumers, migrations, catalog, auth } = this.options;
    const migration = await migrations.getMigrationWithPlan(migrationId);
    if (!migration || migration.dryRun) return [];
    const found = await discoverConsumers(
      catalog,
      migration.entityRef,
      await auth.getOwnServiceCredentials(),
      this.options.limits.maxDepth,
    );
    await consumers.addDiscovered(migrationId, found);
    const unassessed = (await consumers.list(migrationId)).filter(
      c => c.state === 'discovered' && !c.impact,
    );
    await mapConcurrently(unassessed, 8, c =>
      this.advanceConsumer(migrationId, c.entityRef),
    );
    return consumers.undecided(migrationId);
  }

  /** Advances one consumer as far as it can go now. */
  async advance(migrationId: string, entityRef: string): Promise<void> {
    await this.advanceConsumer(migrationId, entityRef);
    const migration = await this.options.migrations.getMigrationWithPlan(
      migrationId,
    );
    if (migration?.status === 'awaiting-decision')
      await this.options.resumeIfDecided?.(migrationId);
  }

  private async advanceConsumer(
    migrationId: string,
    entityRef: string,
  ): Promise<void> {
    const context = await this.context(migrationId);
    if (!context || context.migration.status === 'rolled-back') return;
    let snapshot: Promise<RepositorySnapshot> | undefined;
    // Each step returns the state it reached; stop when a step cannot go further yet.
    for (let steps = 0; steps < 8; steps++) {
      const consumer = await this.options.consumers.get(migrationId, entityRef);
      if (!consumer) return;
      const from = consumer.state;
      const input: StepInput = {
        consumer,
        snapshot: () => (snapshot ??= this.read(consumer.repositoryUrl!)),
      };
      try {
        const next = await this.step(context, input);
        if (!next || next === from) return;
      } catch (error) {
        // Looking at a pull request can fail for a while (rate limits, network):
        // the job is retried and the follow-up comes back; nothing is failed.
        if (
          !(error instanceof ConsumerFailed) &&
          (from === 'pr-opened' || from === 'merged')
        )
          throw error;
        const failure: ConsumerFailure =
          error instanceof ConsumerFailed
            ? error.failure
            : {
                kind: stepFailureKind(from),
                message: (error as Error).message,
              };
        await this.options.consumers.advance(migrationId, entityRef, [from], {
          state: 'failed',
          failure,
        });
        return;
      }
    }
  }

  private async step(
    context: MigrationContext,
    input: StepInput,
  ): Promise<ConsumerState | undefined> {
    const { state } = input.consumer;
    // Patches are checked against, and proposed for, a new version that is live.
    if (!isLiveMigration(context.migration) && state !== 'discovered')
      return undefined;
    switch (state) {
      case 'discovered':
        return this.assessAndPatch(context, input);
      case 'patched':
        return this.verify(context, input);
      case 'verified':
        return this.openPullRequest(context, input);
      case 'pr-opened':
      case 'merged':
        return this.followPullRequest(context, input, state);
      default:
        return undefined;
    }
  }

  private async assessAndPatch(
    context: MigrationContext,
    { consumer, snapshot: readSnapshot }: StepInput,
  ): Promise<ConsumerState | undefined> {
    const { migration, target, mapping } = context;
    const { consumers } = this.options;
    const { entityRef } = consumer;
    // Still on an earlier version of the dataset: this migration's mapping does not
    // describe what it reads, and it must not be called unaffected.
    const [hold] = await consumers.listEarlierHolds(migration.id, entityRef);
    if (hold) {
      throw new ConsumerFailed({
        kind: 'behind-previous-version',
        message: `${entityRef} has not moved off migration ${
          hold.migrationId
        } (to version ${hold.targetVersion}${
          hold.contractedAt ? ', contracted' : ''
        }), where it is ${hold.state}; it still reads version ${
          hold.fromVersion
        }, so move it to version ${
          hold.targetVersion
        } first, then retry it here`,
      });
    }
    if (consumer.depth > 1) {
      // It reads a derived dataset, not this one. Assumed unaffected: the derived
      // dataset's own consumer (depth 1) is rewritten to keep its output as it was,
      // but this is not checked against that consumer's outcome.
      await consumers.advance(migration.id, entityRef, ['discovered'], {
        state: 'unaffected',
        impact: { status: 'unaffected', fields: [], files: [] },
      });
      return 'unaffected';
    }
    if (!consumer.repositoryUrl) {
      throw new ConsumerFailed({
        kind: 'no-repository',
        message: `${entityRef} has no backstage.io/source-location annotation, so its code cannot be found`,
      });
    }
    const snapshot = await readSnapshot().catch(error => {
      throw new ConsumerFailed({
        kind: 'repository-unreachable',
        message: `could not read ${consumer.repositoryUrl}: ${
          (error as Error).message
        }`,
      });
    });
    const { impact, results } = assessConsumer(snapshot.files, target, mapping);
    const decided = consumer.decision?.kind;
    if (impact.status === 'needs-decision' && decided !== 'agent') {
      // Kept: it goes on reading the old shape, which the expand phase serves.
      // Otherwise it waits for a person, with its impact, in one write: a run
      // checking for undecided consumers never sees it half-recorded.
      const outcome: ConsumerState =
        decided === 'keep-field'
          ? 'kept'
          : decided === 'exclude'
          ? 'excluded'
          : 'failed';
      await consumers.advance(migration.id, entityRef, ['discovered'], {
        state: outcome,
        impact,
        ...(outcome === 'failed'
          ? {
              failure: {
                kind: 'needs-decision',
                message: describeProblems(impact.files, 'needs-decision'),
              },
            }
          : {}),
      });
      return outcome;
    }
    // Impact is known before the data moves; patches wait for a successful cut-over.
    await consumers.advance(migration.id, entityRef, ['discovered'], {
      state: impact.status === 'unaffected' ? 'unaffected' : 'discovered',
      impact,
    });
    if (impact.status === 'unaffected') return 'unaffected';
    if (!isLiveMigration(migration)) return undefined;

    let patchedFiles: ChangedFile[];
    let patchedBy: ConsumerVerification['patchedBy'] = 'rewriter';
    let agentTurns: number | undefined;
    if (impact.status === 'unparseable' || impact.status === 'needs-decision') {
      // Files the rewriter cannot read, and (handed over by a person's decision)
      // files that read a field the migration drops or recomputes.
      const forAgent = impact.files.filter(
        f => f.status === 'unparseable' || f.status === 'needs-decision',
      );
      if (!this.options.agent) {
        throw new ConsumerFailed({
          kind: impact.status,
          message: `${describeProblems(
            impact.files,
            impact.status,
          )} (no coding agent is configured to take these over)`,
        });
      }
      const agentResult = await this.patchWithAgent(
        context,
        consumer.repositoryUrl,
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
      .map(f =>
        createTwoFilesPatch(
          `a/${f.path}`,
          `b/${f.path}`,
          originals.get(f.path) ?? '',
          f.content,
          '',
          '',
          { context: 3 },
        ),
      )
      .join('');
    await consumers.advance(migration.id, entityRef, ['discovered'], {
      state: 'patched',
      patch,
      patchedFiles,
      verification: { patchedBy, agentTurns, shadowChecks: [] },
    });
    return 'patched';
  }

  private async verify(
    context: MigrationContext,
    { consumer, snapshot: readSnapshot }: StepInput,
  ): Promise<ConsumerState> {
    const { migration, plan, target } = context;
    const { consumers, engines } = this.options;
    const { entityRef } = consumer;
    const files = await consumers.getPatchedFiles(migration.id, entityRef);
    const snapshot = await readSnapshot();
    const originals = new Map(snapshot.files.map(f => [f.path, f.content]));
    const previous = consumer.verification ?? {
      patchedBy: 'rewriter',
      shadowChecks: [],
    };

    const command = await this.verifyCommandOf(entityRef);
    let evidence: ConsumerVerification['command'];
    if (command) {
      const { signal, memoryExceeded, ...result } = await this.inWorkingCopy(
        consumer.repositoryUrl!,
        files,
        dir =>
          runSandboxed({
            command,
            cwd: dir,
            timeoutMs: this.options.limits.commandTimeoutMs,
            memoryMb: this.options.limits.commandMemoryMb,
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
              ? `did not finish within ${
                  this.options.limits.commandTimeoutMs / 1000
                } s`
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
      // Files a person handed to the agent read what the new version no longer has:
      // their results are not expected to match the original's.
      const handedOver = new Set(
        consumer.decision?.kind === 'agent'
          ? (consumer.impact?.files ?? [])
              .filter(f => f.status === 'needs-decision')
              .map(f => f.path)
          : [],
      );
      for (const file of [
        ...files.filter(f => /\.sql$/i.test(f.path)),
        ...readsThroughRenamedSource(context, snapshot.files, files),
      ]) {
        const original = originals.get(file.path);
        if (original === undefined) continue;
        if (handedOver.has(file.path)) {
          shadowChecks.push({
            path: file.path,
            statement: 0,
            outcome: 'skipped',
            detail:
              'handed to the coding agent by a decision: it read a field the new version drops or recomputes, so its results are not compared',
          });
          continue;
        }
        shadowChecks.push(
          ...(await shadowCheckFile({
            engine,
            dataset: { table: plan.table },
            target,
            fromVersion: migration.fromVersion,
            targetVersion: migration.targetVersion,
            original: { path: file.path, content: original },
            rewritten: file,
            ...(plan.targetTable && context.mapping.renamedTo
              ? {
                  renamed: {
                    target: renamedTarget(target, context.mapping.renamedTo),
                    dataset: { table: plan.targetTable },
                  },
                }
              : {}),
            timeoutMs: this.options.limits.shadowTimeoutMs,
          })),
        );
      }
    }
    const verification: ConsumerVerification = {
      ...previous,
      command: evidence,
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
        message: mismatches
          .map(
            m =>
              `${m.path} statement ${m.statement}: ${m.detail}${
                m.differingRows?.length
                  ? `; e.g. ${
                      m.differingRows[0].side === 'before'
                        ? 'only the original returns'
                        : 'only the rewrite returns'
                    } ${m.differingRows[0].row}`
                  : ''
              }`,
          )
          .join('; '),
      });
    }
    await consumers.advance(migration.id, entityRef, ['patched'], {
      state: 'verified',
      verification,
    });
    return 'verified';
  }

  private async openPullRequest(
    { migration, plan, mapping }: MigrationContext,
    { consumer, snapshot: readSnapshot }: StepInput,
  ): Promise<ConsumerState> {
    const { consumers } = this.options;
    const { entityRef } = consumer;
    const url = consumer.repositoryUrl!;
    const snapshot = await readSnapshot();
    const provider = this.scmFor(url);
    const dataset = parseEntityRef(migration.entityRef).name;
    const pullRequest = await provider
      .openPullRequest({
        repositoryUrl: url,
        baseBranch: snapshot.defaultBranch,
        branch: `dataset-migrations/${dataset}-v${migration.targetVersion}/${
          parseEntityRef(entityRef).name
        }`,
        title: `Read ${dataset} schema version ${migration.targetVersion}`,
        commitMessage: `Read ${dataset} schema version ${migration.targetVersion}\n\nDataset migration ${migration.id} (${plan.engine}:${plan.table}).`,
        body: pullRequestBody({
          datasetRef: migration.entityRef,
          fromVersion: migration.fromVersion,
          targetVersion: migration.targetVersion,
          migrationId: migration.id,
          changes: migration.changes,
          impact: consumer.impact!,
          verification: consumer.verification!,
          ...(mapping.renamedTo
            ? { renamedTo: relationText(mapping.renamedTo) }
            : {}),
          widened: widenedFields(mapping),
        }),
        files: await consumers.getPatchedFiles(migration.id, entityRef),
      })
      .catch(error => {
        throw new ConsumerFailed({
          kind: 'pull-request-failed',
          message: (error as Error).message,
        });
      });
    const recorded = await consumers.advance(
      migration.id,
      entityRef,
      ['verified'],
      { state: 'pr-opened', pullRequest },
    );
    // Rolled back while the pull request was being opened: it is not wanted.
    if (!recorded && pullRequest.state === 'open')
      await this.closeIfSuperseded(
        migration,
        entityRef,
        url,
        provider,
        pullRequest,
      );
    return 'pr-opened';
  }

  private async closeIfSuperseded(
    migration: Migration,
    entityRef: string,
    repositoryUrl: string,
    provider: ScmProvider,
    pullRequest: ConsumerPullRequest,
  ): Promise<void> {
    const now = await this.options.consumers.get(migration.id, entityRef);
    if (now?.state !== 'superseded' || !provider.closePullRequest) return;
    const closed = await provider.closePullRequest(
      { ...pullRequest, repositoryUrl },
      closeComment(migration),
    );
    await this.options.consumers.recordClosedPullRequest(
      migration.id,
      entityRef,
      { ...pullRequest, state: closed.state },
    );
  }

  private async followPullRequest(
    { migration }: MigrationContext,
    { consumer, snapshot: readSnapshot }: StepInput,
    state: 'pr-opened' | 'merged',
  ): Promise<ConsumerState | undefined> {
    const { consumers } = this.options;
    const { entityRef } = consumer;
    const url = consumer.repositoryUrl!;
    const pullRequest = await this.scmFor(url).getPullRequest(
      url,
      consumer.pullRequest!.branch,
    );
    if (!pullRequest || pullRequest.state === 'open') return undefined;
    if (pullRequest.state === 'closed') {
      throw new ConsumerFailed({
        kind: 'pull-request-failed',
        message: `pull request ${pullRequest.url} was closed without merging`,
      });
    }
    if (state === 'pr-opened') {
      await consumers.advance(migration.id, entityRef, ['pr-opened'], {
        state: 'merged',
        pullRequest,
      });
    }
    // Done once the default branch holds the patched files.
    const files = await consumers.getPatchedFiles(migration.id, entityRef);
    const snapshot = await readSnapshot();
    const onDefault = new Map(snapshot.files.map(f => [f.path, f.content]));
    if (files.every(f => onDefault.get(f.path) === f.content)) {
      await consumers.advance(migration.id, entityRef, ['merged'], {
        state: 'done',
      });
      return 'done';
    }
    return 'merged';
  }

  private async patchWithAgent(
    context: MigrationContext,
    url: string,
    rewritten: Array<{ path: string; content: string }>,
    paths: string[],
    entityRef: string,
    /** Fields the consumer reads that the migration drops or recomputes, by file. */
    decisionProblems = '',
  ): Promise<{ files: ChangedFile[]; turns: number }> {
    const renames = Object.fromEntries(
      [...context.mapping.byField.entries()]
        .filter(([, m]) => m.kind === 'renamed' || m.kind === 'retyped')
        .map(([from, m]) => [from, (m as { to: string }).to]),
    );
    const command = await this.verifyCommandOf(entityRef);
    const result = await this.inWorkingCopy(url, rewritten, async dir => {
      const prompt = [
        `# Move this repository to ${context.migration.entityRef} schema version ${context.migration.targetVersion}`,
        'The dataset was migrated under this mapping spec:',
        '```json',
        JSON.stringify(context.migration.changes, null, 2),
        '```',
        ...(context.mapping.renamedTo
          ? [
              `The dataset is also renamed: ${
                context.plan.table
              } is now ${relationText(
                context.mapping.renamedTo,
              )}; read it under the new name.`,
            ]
          : []),
        'SQL files were rewritten already. These files name the dataset in code the SQL rewriter cannot parse, or read a field the migration drops or recomputes; update how they read it:',
        ...paths.map(p => `- ${p}`),
        decisionProblems
          ? `A person handed these reads to you; the new version no longer has what they read: ${decisionProblems}`
          : '',
        command ? `When you are done, \`${command}\` must pass.` : '',
        agentBrief(renames, paths),
      ].join('\n');
      const outcome = await this.options.agent!.run({
        workdir: dir,
        prompt,
        verify: async () => {
          for (const path of paths.filter(p => /\.sql$/i.test(p))) {
            try {
              analyzeFile(
                await readFile(join(dir, path), 'utf8'),
                context.target,
              );
            } catch (error) {
              return {
                ok: false,
                feedback: `${path} does not parse: ${(error as Error).message}`,
              };
            }
          }
          return { ok: true, feedback: '' };
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
        if (!(await lstat(join(dir, path))).isFile())
          throw new ConsumerFailed({
            kind: 'patch-failed',
            message: `the coding agent left ${path} as something other than a plain file`,
          });
        files.push({ path, content: await readFile(join(dir, path), 'utf8') });
      }
      return { files, turns: outcome.turns };
    });
    return result;
  }

  /** A fresh clone with the patched files written over it, removed afterwards. */
  private async inWorkingCopy<T>(
    url: string,
    files: ChangedFile[],
    work: (dir: string) => Promise<T>,
  ): Promise<T> {
    const parent = await mkdtemp(join(tmpdir(), 'dsm-consumer-'));
    await chmod(parent, 0o755); // the sandbox user must reach the working copy
    const dir = join(parent, 'repo');
    try {
      await this.readerFor(url).checkout(url, dir);
      for (const file of files) {
        await mkdir(dirname(join(dir, file.path)), { recursive: true });
        await writeFile(join(dir, file.path), file.content);
      }
      return await work(dir);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }

  private async verifyCommandOf(
    entityRef: string,
  ): Promise<string | undefined> {
    const entity: Entity | undefined = await this.options.catalog.getEntity(
      entityRef,
      await this.options.auth.getOwnServiceCredentials(),
    );
    return entity?.metadata.annotations?.[ANNOTATION_VERIFY_COMMAND];
  }

  private async context(
    migrationId: string,
  ): Promise<MigrationContext | undefined> {
    const migration = await this.options.migrations.getMigrationWithPlan(
      migrationId,
    );
    if (!migration?.plan) return undefined;
    await loadSqlParser();
    const target = datasetTarget(migration.plan.table, migration.plan.source);
    return {
      migration,
      plan: migration.plan,
      target,
      mapping: consumerMapping(
        migration.plan.source,
        migration.changes,
        migration.plan.targetTable
          ? renamedRelation(target, migration.plan.targetTable)
          : undefined,
      ),
    };
  }

  private read(url: string): Promise<RepositorySnapshot> {
    return this.readerFor(url).read(url);
  }

  private readerFor(url: string): RepositoryReader {
    const reader = this.options.readers.find(r => r.supports(url));
    if (!reader) {
      throw new ConsumerFailed({
        kind: 'repository-unreachable',
        message: `no repository reader handles ${url}`,
      });
    }
    return reader;
  }

  private scmFor(url: string): ScmProvider {
    const provider = this.options.scm.find(p => p.supports(url));
    if (!provider) {
      throw new ConsumerFailed({
        kind: 'pull-request-failed',
        message: `no source-control provider handles ${url}`,
      });
    }
    return provider;
  }
}

/**
 * dbt models a rename leaves as they are (their source's `identifier:` moved):
 * checked too, the original on the old version and the same text on the new.
 */
function readsThroughRenamedSource(
  { target, mapping }: MigrationContext,
  snapshotFiles: ChangedFile[],
  patched: ChangedFile[],
): ChangedFile[] {
  if (!mapping.renamedTo) return [];
  return snapshotFiles.filter(
    f =>
      /\.sql$/i.test(f.path) &&
      !patched.some(p => p.path === f.path) &&
      maskJinja(f.content).placeholders.size > 0 &&
      mentionsDataset(f.content, target),
  );
}

/** `path:line[:column]: problem` for each file of a status, for a failure reason. */
function describeProblems(
  files: FileImpact[],
  status: FileImpact['status'],
): string {
  return files
    .filter(f => f.status === status)
    .map(f => {
      const at = f.problem?.position;
      const where = at
        ? status === 'unparseable'
          ? `:${at.line}:${at.column}`
          : `:${at.line}`
        : '';
      return `${f.path}${where}: ${f.problem?.message}`;
    })
    .join('; ');
}

function stepFailureKind(state: ConsumerState): ConsumerFailure['kind'] {
  if (state === 'patched') return 'verification-failed';
  if (state === 'verified' || state === 'pr-opened' || state === 'merged')
    return 'pull-request-failed';
  return 'patch-failed';
}
