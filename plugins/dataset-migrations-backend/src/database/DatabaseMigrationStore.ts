import type { Knex } from 'knex';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import { DatabaseDatasetActivityStore } from './DatabaseDatasetActivityStore';
import { DatabaseDatasetVersionStore } from './DatabaseDatasetVersionStore';
import { DatabaseMigrationRequestStore } from './DatabaseMigrationRequestStore';
import { DatabaseRunJournal } from './DatabaseRunJournal';
import type { MigrationStore } from './MigrationStore';

const migrationsDir = resolvePackagePath(
  '@dataset-migrations/plugin-dataset-migrations-backend',
  'migrations',
);

/**
 * The migration store's parts over one knex client (or one transaction of it):
 * requests, the run journal, the dataset-version registry and the datasets' work
 * under way. Each method is
 * its part's own, bound to it.
 */
export class DatabaseMigrationStore implements MigrationStore {
  /** Applies the plugin's knex migrations first, unless the backend skips them. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseMigrationStore> {
    const knex = await options.database.getClient();
    // Its queue (graphile-worker), locks and SQL are PostgreSQL's: say so at
    // startup rather than fail later on a statement SQLite does not know.
    const client = String(knex.client.config?.client ?? '');
    if (client !== 'pg' && client !== 'postgres' && client !== 'postgresql')
      throw new Error(
        `dataset-migrations needs PostgreSQL for its database (backend.database.client: pg); this backend's is "${client}"`,
      );
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseMigrationStore(knex);
  }

  readonly createMigration: MigrationStore['createMigration'];
  readonly requeueMigration: MigrationStore['requeueMigration'];
  readonly getRequestSubject: MigrationStore['getRequestSubject'];
  readonly decideApproval: MigrationStore['decideApproval'];
  readonly findByFingerprint: MigrationStore['findByFingerprint'];
  readonly findRequestGrounds: MigrationStore['findRequestGrounds'];
  readonly getMigration: MigrationStore['getMigration'];
  readonly campaignOf: MigrationStore['campaignOf'];
  readonly getMigrationWithPlan: MigrationStore['getMigrationWithPlan'];
  readonly listMigrations: MigrationStore['listMigrations'];
  readonly latestMigrations: MigrationStore['latestMigrations'];
  readonly datasetsWithoutOwner: MigrationStore['datasetsWithoutOwner'];
  readonly recordDatasetOwner: MigrationStore['recordDatasetOwner'];
  readonly requestCancel: MigrationStore['requestCancel'];
  readonly isCancelRequested: MigrationStore['isCancelRequested'];
  readonly awaitDecisions: MigrationStore['awaitDecisions'];
  readonly resumeAfterDecisions: MigrationStore['resumeAfterDecisions'];
  readonly resumeDecidedRuns: MigrationStore['resumeDecidedRuns'];
  readonly finishMigration: MigrationStore['finishMigration'];
  readonly markRolledBack: MigrationStore['markRolledBack'];
  readonly markContracted: MigrationStore['markContracted'];

  readonly claimMigration: MigrationStore['claimMigration'];
  readonly claimOperation: MigrationStore['claimOperation'];
  readonly releaseLease: MigrationStore['releaseLease'];
  readonly renewLease: MigrationStore['renewLease'];
  readonly requeueExpiredRuns: MigrationStore['requeueExpiredRuns'];
  readonly requeueStrandedRuns: MigrationStore['requeueStrandedRuns'];
  readonly requeueExpiredOperations: MigrationStore['requeueExpiredOperations'];
  readonly getCheckpoint: MigrationStore['getCheckpoint'];
  readonly setCheckpoint: MigrationStore['setCheckpoint'];
  readonly clearCheckpoints: MigrationStore['clearCheckpoints'];
  readonly attemptsWithoutProgress: MigrationStore['attemptsWithoutProgress'];
  readonly startStep: MigrationStore['startStep'];
  readonly reportProgress: MigrationStore['reportProgress'];
  readonly recordVerification: MigrationStore['recordVerification'];
  readonly recordDryRunSample: MigrationStore['recordDryRunSample'];
  readonly finishStep: MigrationStore['finishStep'];
  readonly appendLog: MigrationStore['appendLog'];

  readonly getSchemaVersion: MigrationStore['getSchemaVersion'];
  readonly getDatasetState: MigrationStore['getDatasetState'];
  readonly getSchemaVersions: MigrationStore['getSchemaVersions'];

  readonly activeMigrationsOf: MigrationStore['activeMigrationsOf'];
  readonly activeCampaignsOf: MigrationStore['activeCampaignsOf'];

  constructor(knex: Knex) {
    const versions = new DatabaseDatasetVersionStore(knex);
    const journal = new DatabaseRunJournal(knex);
    const requests = new DatabaseMigrationRequestStore(knex, {
      journal,
      versions,
    });

    this.createMigration = requests.createMigration.bind(requests);
    this.requeueMigration = requests.requeueMigration.bind(requests);
    this.getRequestSubject = requests.getRequestSubject.bind(requests);
    this.decideApproval = requests.decideApproval.bind(requests);
    this.findByFingerprint = requests.findByFingerprint.bind(requests);
    this.findRequestGrounds = requests.findRequestGrounds.bind(requests);
    this.getMigration = requests.getMigration.bind(requests);
    this.campaignOf = requests.campaignOf.bind(requests);
    this.getMigrationWithPlan = requests.getMigrationWithPlan.bind(requests);
    this.listMigrations = requests.listMigrations.bind(requests);
    this.latestMigrations = requests.latestMigrations.bind(requests);
    this.datasetsWithoutOwner = requests.datasetsWithoutOwner.bind(requests);
    this.recordDatasetOwner = requests.recordDatasetOwner.bind(requests);
    this.requestCancel = requests.requestCancel.bind(requests);
    this.isCancelRequested = requests.isCancelRequested.bind(requests);
    this.awaitDecisions = requests.awaitDecisions.bind(requests);
    this.resumeAfterDecisions = requests.resumeAfterDecisions.bind(requests);
    this.resumeDecidedRuns = requests.resumeDecidedRuns.bind(requests);
    this.finishMigration = requests.finishMigration.bind(requests);
    this.markRolledBack = requests.markRolledBack.bind(requests);
    this.markContracted = requests.markContracted.bind(requests);

    this.claimMigration = journal.claimMigration.bind(journal);
    this.claimOperation = journal.claimOperation.bind(journal);
    this.releaseLease = journal.releaseLease.bind(journal);
    this.renewLease = journal.renewLease.bind(journal);
    this.requeueExpiredRuns = journal.requeueExpiredRuns.bind(journal);
    this.requeueStrandedRuns = journal.requeueStrandedRuns.bind(journal);
    this.requeueExpiredOperations =
      journal.requeueExpiredOperations.bind(journal);
    this.getCheckpoint = journal.getCheckpoint.bind(journal);
    this.setCheckpoint = journal.setCheckpoint.bind(journal);
    this.clearCheckpoints = journal.clearCheckpoints.bind(journal);
    this.attemptsWithoutProgress =
      journal.attemptsWithoutProgress.bind(journal);
    this.startStep = journal.startStep.bind(journal);
    this.reportProgress = journal.reportProgress.bind(journal);
    this.recordVerification = journal.recordVerification.bind(journal);
    this.recordDryRunSample = journal.recordDryRunSample.bind(journal);
    this.finishStep = journal.finishStep.bind(journal);
    this.appendLog = journal.appendLog.bind(journal);

    this.getSchemaVersion = versions.getSchemaVersion.bind(versions);
    this.getDatasetState = versions.getDatasetState.bind(versions);
    this.getSchemaVersions = versions.getSchemaVersions.bind(versions);

    const activity = new DatabaseDatasetActivityStore(knex);
    this.activeMigrationsOf = activity.activeMigrationsOf.bind(activity);
    this.activeCampaignsOf = activity.activeCampaignsOf.bind(activity);
  }
}
