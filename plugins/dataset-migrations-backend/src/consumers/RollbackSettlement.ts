import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Migration,
  PersonOverride,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ScmProvider } from '@dataset-migrations/plugin-dataset-migrations-node';
import type {
  ConsumerStore,
  PullRequestToClose,
} from '../database/ConsumerStore';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type { MergedPatches } from './mergedPatches';
import { mapConcurrently } from './mapConcurrently';

/** Pull requests a rollback's last look asks source control about at once. */
const LOOKS_AT_ONCE = 8;

/**
 * What a rollback does to the migration's consumers: every one not unaffected is
 * `superseded` (with why), and every pull request still open is closed with a
 * comment. A close that fails is left to a job (retried by graphile-worker with
 * backoff); it never fails the rollback.
 */
export class RollbackSettlement {
  constructor(
    private readonly options: {
      consumers: ConsumerStore;
      scm: ScmProvider[];
      /** Queues the close of one consumer's pull request; its key makes a repeat a no-op. */
      enqueueClose(migrationId: string, entityRef: string): Promise<void>;
      logger: LoggerService;
      /** Tells a consumer's owners that the rollback closed its pull request. */
      announcer?: Pick<MigrationAnnouncer, 'consumerChanged'>;
    },
  ) {}

  /**
   * A rollback's last look at the consumers, then `work` (the rollback) with no
   * merge of the migration's pull requests under way or starting meanwhile (one
   * merged from the portal, or by a campaign's automerge). `work` is given the
   * consumers whose code reads the new version now (merged in the ledger, or
   * merged since it last looked, as source control tells) and those whose open
   * pull request source control could not be asked about.
   */
  async holdingMerges<T>(
    migration: Migration,
    work: (consumers: MergedPatches) => Promise<T>,
  ): Promise<T> {
    const { consumers } = this.options;
    return consumers.holdForRollback(migration.id, async () => {
      const merged = await consumers.listMergedPatches(migration.id);
      const open = (await consumers.list(migration.id)).filter(
        c =>
          c.pullRequest?.state === 'open' &&
          c.repositoryUrl &&
          c.state !== 'superseded',
      );
      // A few at a time: readers wait for the rollback, and hosts limit rates.
      const now = await mapConcurrently(open, LOOKS_AT_ONCE, async consumer => {
        const url = consumer.repositoryUrl!;
        const provider = this.options.scm.find(p => p.supports(url));
        // Unread (no provider, or it failed): undefined, which refuses the rollback.
        return provider
          ?.getPullRequest(url, consumer.pullRequest!.branch)
          .catch(() => undefined);
      });
      const unread: string[] = [];
      open.forEach((consumer, i) => {
        if (now[i]?.state === 'merged') merged.push(consumer.entityRef);
        else if (!now[i]) unread.push(consumer.entityRef);
      });
      return work({ merged: [...new Set(merged)].sort(), unread });
    });
  }

  /** Settles the ledger of a migration that was just rolled back. */
  async settle(migration: Migration, override?: PersonOverride): Promise<void> {
    const reasons = supersededReasons(migration, override);
    const toClose = await this.options.consumers.supersede(
      migration.id,
      reasons,
    );
    for (const pull of toClose) {
      try {
        await this.close(migration, pull, reasons.merged);
      } catch (error) {
        this.options.logger.warn(
          `Could not close ${pull.pullRequest.url} of rolled-back migration ${
            migration.id
          }; a job will retry: ${(error as Error).message}`,
        );
        await this.options.enqueueClose(migration.id, pull.entityRef);
      }
    }
  }

  /**
   * The job's work: closes one superseded consumer's pull request if it is still
   * open. Throws when the close fails, so the job is retried.
   */
  async closeOne(migration: Migration, entityRef: string): Promise<void> {
    const consumer = await this.options.consumers.get(migration.id, entityRef);
    if (
      consumer?.state !== 'superseded' ||
      consumer.pullRequest?.state !== 'open' ||
      !consumer.repositoryUrl
    )
      return;
    await this.close(
      migration,
      {
        entityRef,
        repositoryUrl: consumer.repositoryUrl,
        pullRequest: consumer.pullRequest,
      },
      supersededReasons(migration, migration.rollbackOverride).merged,
    );
  }

  /** Closes one pull request; one found merged meanwhile is recorded as `merged` says. */
  private async close(
    migration: Migration,
    { entityRef, repositoryUrl, pullRequest }: PullRequestToClose,
    merged: string,
  ): Promise<void> {
    const provider = this.options.scm.find(p => p.supports(repositoryUrl));
    if (!provider?.closePullRequest) {
      // Nothing can close it here; people can, and the ledger keeps its link.
      this.options.logger.info(
        `No provider can close ${pullRequest.url}; it stays open for people to close`,
      );
      return;
    }
    const closed = await provider.closePullRequest(
      { ...pullRequest, repositoryUrl },
      closeComment(migration),
    );
    const recorded = await this.options.consumers.recordClosedPullRequest(
      migration.id,
      entityRef,
      { ...pullRequest, state: closed.state },
      closed.state === 'merged' ? merged : undefined,
    );
    if (recorded && closed.state !== 'open')
      await this.tellClosed(migration, entityRef, closed.state);
  }

  /**
   * Its owners were told that the pull request moves it: they are told it was
   * closed, with what its ledger row says (the rollback, nothing more needed),
   * or that it was found merged, to be reverted (a merge on GitHub after the
   * rollback's last look; found by a probe, 2026-12-06: only its ledger row
   * said so). Told by the close that recorded it, once: a later close finds it
   * settled.
   */
  private async tellClosed(
    migration: Migration,
    entityRef: string,
    state: 'closed' | 'merged',
  ): Promise<void> {
    const { announcer, consumers, logger } = this.options;
    if (!announcer) return;
    try {
      const consumer = await consumers.get(migration.id, entityRef);
      await announcer.consumerChanged({
        migrationId: migration.id,
        consumerRef: entityRef,
        ...(consumer?.owner ? { owner: consumer.owner } : {}),
        notice:
          state === 'merged'
            ? 'pull-request-merged-after-rollback'
            : 'pull-request-closed',
        ...(consumer?.supersededReason
          ? { reason: consumer.supersededReason }
          : {}),
      });
    } catch (error) {
      // The close is recorded; its notice is not worth failing the rollback.
      logger.warn(
        `Could not tell the owners of ${entityRef} that its pull request of rolled-back migration ${
          migration.id
        } was closed: ${(error as Error).message}`,
      );
    }
  }
}

/** Why each consumer of a rolled-back migration is superseded, by what became of its patch. */
function supersededReasons(migration: Migration, override?: PersonOverride) {
  const rolledBack = `Migration ${migration.id} of ${migration.entityRef} (to version ${migration.targetVersion}) was rolled back: readers are on version ${migration.fromVersion} again`;
  return {
    merged: `${rolledBack}${
      override ? ` by ${override.by}'s override ("${override.reason}")` : ''
    }. Its merged patch reads version ${
      migration.targetVersion
    }: revert it to read version ${migration.fromVersion}.`,
    open: `${rolledBack}. Its pull request is closed unmerged; nothing more is needed.`,
    other: `${rolledBack}. Nothing more is needed.`,
  };
}

export function closeComment(migration: Migration): string {
  return [
    `Dataset migration \`${migration.id}\` of \`${migration.entityRef}\` was rolled back:`,
    `readers are on schema version ${migration.fromVersion} again, so this change (to read version ${migration.targetVersion}) is no longer needed.`,
    'Closed by dataset-migrations; nothing more is needed from you.',
  ].join(' ');
}
