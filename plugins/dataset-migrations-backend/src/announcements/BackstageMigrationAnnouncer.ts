import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { EventsService } from '@backstage/plugin-events-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  CAMPAIGN_SIGNAL_CHANNEL,
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
  type CampaignSignal,
  migrationOutcomeTopic,
  type DatasetMigrationsSignal,
  type Migration,
  type MigrationOutcome,
  type MigrationOutcomeEvent,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationRequestStore } from '../database/MigrationRequestStore';
import type { CampaignStore } from '../database/CampaignStore';
import type {
  CampaignChange,
  CampaignEscalationNotice,
  CampaignLeftToOwners,
  ConsumerChange,
  MigrationAnnouncer,
  MigrationChange,
} from './MigrationAnnouncer';

/**
 * Notification topics, one per class of event, so a person can turn a class off in
 * their notification settings without losing the others.
 */
export const NOTIFICATION_TOPICS = {
  approval: 'dataset-migration-approval',
  run: 'dataset-migration-run',
  operation: 'dataset-migration-rollback-contract',
  pullRequest: 'dataset-migration-consumer-pull-request',
  attention: 'dataset-migration-consumer-attention',
  campaign: 'dataset-migration-campaign',
  deadline: 'dataset-migration-campaign-deadline',
} as const;

/** The one notification a dataset's people get per run, updated in place. */
export function migrationScope(migrationId: string): string {
  return `dataset-migrations:migration:${migrationId}`;
}

/** The one notification a consumer's people get per run, updated in place. */
export function consumerScope(
  migrationId: string,
  consumerRef: string,
): string {
  return `${migrationScope(migrationId)}:consumer:${consumerRef}`;
}

/**
 * The notification a team gets for several of its consumers of one run that
 * reached the same notice together; named by the first of them, so a later
 * burst is told anew rather than overwriting this one.
 */
export function consumersScope(
  migrationId: string,
  notice: string,
  owner: string,
  firstConsumerRef: string,
): string {
  return `${migrationScope(
    migrationId,
  )}:consumers:${notice}:${owner}:${firstConsumerRef}`;
}

/**
 * The run in the portal: the dataset's Migration History tab with the run picked.
 * Relative, so the notifications backend resolves it against `app.baseUrl`.
 */
export function migrationLink(migration: Pick<Migration, 'id' | 'entityRef'>) {
  const { kind, namespace, name } = parseEntityRef(migration.entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(
    name,
  )}/migration-history?migration=${encodeURIComponent(migration.id)}`;
}

type Outcome = Omit<NotificationPayload, 'scope' | 'link'>;

/** What the dataset's people read for each outcome. */
function outcomeNotice(
  outcome: MigrationOutcome,
  migration: Migration,
  reason: string | undefined,
): Outcome {
  const dataset = parseEntityRef(migration.entityRef).name;
  const to = `v${migration.fromVersion} → v${migration.targetVersion}`;
  const dry = migration.dryRun ? 'Dry run of the migration' : 'Migration';
  const because = reason ? `: ${reason}` : '';
  const notices: Record<MigrationOutcome, Outcome> = {
    'awaiting-approval': {
      title: `${dataset}: migration ${to} awaits approval`,
      description: `Requested by ${nameOf(
        migration.requestedBy,
      )}${because}. Nothing runs until an owner approves.`,
      severity: 'high',
      topic: NOTIFICATION_TOPICS.approval,
    },
    approved: {
      title: `${dataset}: migration ${to} was approved`,
      description: reason ? `Comment: ${reason}` : 'It is queued to run.',
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.approval,
    },
    rejected: {
      title: `${dataset}: migration ${to} was rejected`,
      description: reason ? `Comment: ${reason}` : 'Nothing was changed.',
      severity: 'high',
      topic: NOTIFICATION_TOPICS.approval,
    },
    started: {
      title: `${dataset}: ${dry.toLowerCase()} ${to} started`,
      description: `Requested by ${nameOf(migration.requestedBy)}.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.run,
    },
    succeeded: {
      title: `${dataset}: ${dry.toLowerCase()} ${to} succeeded`,
      description: migration.dryRun
        ? 'Nothing was changed.'
        : `The dataset is at schema version ${migration.targetVersion}; its consumers are being moved.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.run,
    },
    failed: {
      title: `${dataset}: ${dry.toLowerCase()} ${to} failed`,
      // Why may quote the dataset's rows, and a requester may not see them.
      description: 'The run says why, to whoever may see the dataset’s data.',
      severity: 'high',
      topic: NOTIFICATION_TOPICS.run,
    },
    cancelled: {
      title: `${dataset}: ${dry.toLowerCase()} ${to} was cancelled`,
      description: reason,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.run,
    },
    'rolled-back': {
      title: `${dataset}: migration ${to} was rolled back`,
      description: `Readers are on version ${migration.fromVersion} again${because}.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.operation,
    },
    contracted: {
      title: `${dataset}: migration ${to} was contracted`,
      description: `Version ${migration.fromVersion} is gone for good${because}.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.operation,
    },
  };
  return notices[outcome];
}

/** What a consumer's people read for each notice. */
function consumerNotice(
  notice: NonNullable<ConsumerChange['notice']>,
  migration: Migration,
  consumerRef: string,
  message: string | undefined,
): Outcome {
  const reason = namedIn(message, [consumerRef, migration.entityRef]);
  const dataset = parseEntityRef(migration.entityRef).name;
  const consumer = parseEntityRef(consumerRef).name;
  const to = `v${migration.targetVersion}`;
  const notices: Record<typeof notice, Outcome> = {
    'pull-request-opened': {
      title: `${consumer}: a pull request moves it to ${dataset} ${to}`,
      description: `${
        reason ? `${reason}. ` : ''
      }Merge it to move ${consumer} to the new version of ${dataset}.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.pullRequest,
    },
    // Under the scope of the notice of its opening: that one is updated in place.
    'pull-request-closed': {
      title: `${consumer}: its pull request to ${dataset} ${to} was closed; the migration was rolled back`,
      description:
        reason ??
        `Readers of ${dataset} are on version ${migration.fromVersion} again; nothing more is needed.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.pullRequest,
    },
    'pull-request-merged-after-rollback': {
      title: `${consumer}: its pull request to ${dataset} ${to} was merged, but the migration was rolled back: revert it`,
      description:
        reason ??
        `Readers of ${dataset} are on version ${migration.fromVersion} again, which the merged patch does not read.`,
      severity: 'high',
      topic: NOTIFICATION_TOPICS.pullRequest,
    },
    'stale-pull-request': {
      title: `${consumer}: the pull request to ${dataset} ${to} is still open`,
      description:
        reason ??
        `Version ${migration.fromVersion} of ${dataset} cannot be dropped until it is merged.`,
      severity: 'normal',
      topic: NOTIFICATION_TOPICS.pullRequest,
    },
    'needs-decision': {
      title: `${consumer}: reads fields of ${dataset} that ${to} drops; decide how it moves`,
      description: reason,
      severity: 'high',
      topic: NOTIFICATION_TOPICS.attention,
    },
    failed: {
      title: `${consumer}: could not be moved to ${dataset} ${to}`,
      description: reason,
      severity: 'high',
      topic: NOTIFICATION_TOPICS.attention,
    },
  };
  return notices[notice];
}

/** An entity as a notification, which is plain text, names it: `rita`, not `user:default/rita`. */
function nameOf(entityRef: string): string {
  return parseEntityRef(entityRef).name;
}

/** A message with the entities it names by their full refs named as {@link nameOf} does. */
function namedIn(
  text: string | undefined,
  entityRefs: string[],
): string | undefined {
  return entityRefs.reduce(
    (named, ref) => named?.split(ref).join(nameOf(ref)),
    text,
  );
}

/** How many consumers a batch notice names before "and N more". */
const NAMED_IN_BATCH = 5;

/** What a team reads when several of its consumers of one run reached one notice together. */
function consumersNotice(
  notice: NonNullable<ConsumerChange['notice']>,
  migration: Migration,
  consumerRefs: string[],
): Pick<Outcome, 'title' | 'description'> {
  const dataset = parseEntityRef(migration.entityRef).name;
  const to = `v${migration.targetVersion}`;
  const n = consumerRefs.length;
  const names = consumerRefs
    .slice(0, NAMED_IN_BATCH)
    .map(ref => parseEntityRef(ref).name)
    .join(', ');
  const more = n > NAMED_IN_BATCH ? ` and ${n - NAMED_IN_BATCH} more` : '';
  const titles: Record<typeof notice, string> = {
    'pull-request-opened': `${n} pull requests move consumers to ${dataset} ${to}`,
    'stale-pull-request': `${n} pull requests to ${dataset} ${to} are still open`,
    'pull-request-closed': `${n} pull requests to ${dataset} ${to} were closed; the migration was rolled back`,
    'pull-request-merged-after-rollback': `${n} pull requests to ${dataset} ${to} were merged, but the migration was rolled back: revert them`,
    'needs-decision': `${n} consumers read fields of ${dataset} that ${to} drops; decide how they move`,
    failed: `${n} consumers could not be moved to ${dataset} ${to}`,
  };
  return {
    title: titles[notice],
    description: `${names}${more}. The run's consumer list has each one's state and reason.`,
  };
}

/** The one notification a campaign's owner gets, updated in place. */
export function campaignScope(campaignId: string): string {
  return `dataset-migrations:campaign:${campaignId}`;
}

/**
 * The campaign's page in the portal, relative as {@link migrationLink}: the
 * Campaigns page is at `/campaigns` (the plugin's page in the new frontend
 * system, and the route the README gives the legacy one).
 */
export function campaignLink(campaignId: string): string {
  return `/campaigns/${encodeURIComponent(campaignId)}`;
}

/**
 * The one notification per consumer, dataset or campaign owner that a campaign's
 * deadline nears: apart from {@link campaignScope}, so the campaign's next state
 * change does not overwrite it.
 */
export function escalationScope(
  campaignId: string,
  notice: Pick<CampaignEscalationNotice, 'to'> & { entityRef?: string },
): string {
  return `${campaignScope(campaignId)}:deadline:${
    notice.to === 'owner' ? 'owner' : `${notice.to}:${notice.entityRef}`
  }`;
}

/** A deadline as people write it: the date, with the time when it has one. */
function formatDeadline(deadline: Date): string {
  const iso = deadline.toISOString();
  return iso.endsWith('T00:00:00.000Z')
    ? iso.slice(0, 10)
    : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** What the owners of outstanding work, or the campaign's owner, read as its deadline nears. */
function escalationNotice(
  notice: CampaignEscalationNotice,
  campaignTitle: string,
): Omit<Outcome, 'topic'> {
  const by = formatDeadline(notice.deadline);
  if (notice.to === 'owner') {
    const { consumers, datasets, byOwner } = notice.outstanding;
    const teams = byOwner
      .map(
        t =>
          `${t.owner ? parseEntityRef(t.owner).name : 'no owner'}: ${count(
            t.consumers,
            'consumer',
          )}, ${count(t.datasets, 'dataset')}`,
      )
      .join('; ');
    return {
      title: `Campaign ${campaignTitle}: ${count(
        consumers,
        'consumer',
      )} and ${count(datasets, 'dataset')} outstanding, deadline ${by}`,
      description: `By team: ${teams}. Their owners were told.`,
      severity: 'high',
    };
  }
  const names = notice.datasets.map(d => parseEntityRef(d).name).join(', ');
  const name = parseEntityRef(notice.entityRef).name;
  return notice.to === 'consumer'
    ? {
        title: `${name}: campaign ${campaignTitle} ends ${by} and ${name} has not moved`,
        description: `It still holds back ${names}: merge its pull request, or decide how it moves, before ${by}.`,
        severity: 'high',
      }
    : {
        title: `${name}: campaign ${campaignTitle} ends ${by} and ${name} is not migrated`,
        description: `Its move to its next version in this campaign has not succeeded yet; see the campaign for what it waits on.`,
        severity: 'high',
      };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** What a campaign's owner reads when it stops by itself, completes or is aborted. */
const CAMPAIGN_NOTICES: Partial<
  Record<
    CampaignChange['state'],
    (title: string, reason?: string) => Omit<Outcome, 'topic'>
  >
> = {
  paused: (title, reason) => ({
    title: `Campaign ${title} paused`,
    description: reason ?? 'Nothing new starts until it is resumed.',
    severity: 'high',
  }),
  completed: (title, reason) => ({
    title: `Campaign ${title} completed`,
    description: `Every wave is done${reason ? `: ${reason}` : ''}.`,
    severity: 'normal',
  }),
  aborted: (title, reason) => ({
    title: `Campaign ${title} aborted`,
    description: `${
      reason ? `${reason}. ` : ''
    }Migrations already started run to their end.`,
    severity: 'high',
  }),
};

export interface BackstageMigrationAnnouncerOptions {
  migrations: Pick<MigrationRequestStore, 'listMigrations'>;
  /** Where a campaign's owner and title are read; campaigns are not announced without it. */
  campaigns?: Pick<CampaignStore, 'getHeader'>;
  notifications: Pick<NotificationService, 'send'>;
  signals: Pick<SignalsService, 'publish'>;
  events: Pick<EventsService, 'publish'>;
  logger: LoggerService;
  /** Waits before each retry of a failed delivery; its length is how many retries. */
  retryDelaysMs?: number[];
  /** At most one signal per run (and per consumer) in this window. */
  signalIntervalMs?: number;
  /**
   * How quiet a run's consumers must fall before their notices are told, so a
   * team is told of a burst once; told after ten such windows anyway.
   */
  noticeWindowMs?: number;
}

/**
 * A run's gathered consumer notices as notifications: one per consumer, but one
 * per team and notice where several of the team's consumers share it. The last
 * notice of a consumer stands; a consumer whose owner is not known is told alone.
 */
function byTeamAndNotice(gathered: ConsumerChange[]): ConsumerChange[][] {
  const latest = new Map<string, ConsumerChange>();
  for (const change of gathered) {
    latest.delete(change.consumerRef); // in the order of their latest notices
    latest.set(change.consumerRef, change);
  }
  const batches = new Map<string, ConsumerChange[]>();
  for (const change of latest.values()) {
    const key = `${change.notice} ${change.owner ?? change.consumerRef}`;
    batches.set(key, [...(batches.get(key) ?? []), change]);
  }
  return [...batches.values()];
}

/** Three retries, short enough that an outcome is delivered seconds late at worst. */
const RETRY_DELAYS_MS = [250, 1000, 2000];
const SIGNAL_INTERVAL_MS = 1000;
/** How quiet a run's consumers must fall before their gathered notices are told. */
const NOTICE_WINDOW_MS = 3000;
/** A steady stream of notices is told after this many windows anyway. */
const NOTICE_WINDOWS_AT_MOST = 10;

interface SignalWindow {
  pending?: { migrationId: string; consumerRef?: string };
  timer: NodeJS.Timeout;
}

/**
 * Announces changes through Backstage's notifications, signals and events services.
 *
 * Callers never wait for a delivery: each run's announcements go out in order on a
 * chain of their own (so the notification kept up to date ends with the latest
 * outcome), each delivery retried a few times and then logged.
 */
export class BackstageMigrationAnnouncer implements MigrationAnnouncer {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly windows = new Map<string, SignalWindow>();
  /** Consumer notices of a run gathering before they are told. */
  private readonly notices = new Map<string, ConsumerChange[]>();
  private readonly retryDelaysMs: number[];
  /** Aborted by `close`: a shutdown waits for no retry. */
  private readonly closing = new AbortController();
  private readonly signalIntervalMs: number;
  private readonly noticeWindowMs: number;

  constructor(private readonly options: BackstageMigrationAnnouncerOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.signalIntervalMs = options.signalIntervalMs ?? SIGNAL_INTERVAL_MS;
    this.noticeWindowMs = options.noticeWindowMs ?? NOTICE_WINDOW_MS;
  }

  async migrationChanged(change: MigrationChange): Promise<void> {
    const { outcome, migration } = change;
    if (!outcome) {
      // A run the caller has in hand is signalled from it, not read again.
      if (!migration) this.signal({ migrationId: change.migrationId });
      else if (this.signalWindowOpened({ migrationId: change.migrationId }))
        this.after(change.migrationId, () => this.publishSignal(migration));
      return;
    }
    const signalNow = this.signalWindowOpened({
      migrationId: change.migrationId,
    });
    const occurredAt = (change.occurredAt ?? new Date()).toISOString();
    this.after(change.migrationId, () =>
      this.tellOutcome(change, outcome, signalNow, occurredAt).then(
        () => change.settled?.(),
        error => {
          change.settled?.(error);
          throw error;
        },
      ),
    );
  }

  /** The outcome's signal (when due), notification and event, in that order. */
  private async tellOutcome(
    change: MigrationChange,
    outcome: MigrationOutcome,
    signalNow: boolean,
    occurredAt: string,
  ): Promise<void> {
    // One read (or none, given the run) for the signal and the outcome, in that order.
    const migration = change.migration ?? (await this.read(change.migrationId));
    if (!migration) return;
    if (signalNow) await this.publishSignal(migration);
    const notice = outcomeNotice(outcome, migration, change.reason);
    await Promise.all([
      this.deliver(`notification ${outcome}`, migration.id, () =>
        this.options.notifications.send({
          recipients: {
            type: 'entity',
            // The dataset resolves to its owner group's members; the requester
            // hears how their own request went even when not one of them. A dry
            // run changes nothing of the owners': only its requester hears of it.
            entityRef: migration.dryRun
              ? migration.requestedBy
              : [migration.entityRef, migration.requestedBy],
            ...(change.actor ? { excludeEntityRef: change.actor } : {}),
          },
          payload: {
            ...notice,
            scope: migrationScope(migration.id),
            link: migrationLink(migration),
          },
        }),
      ),
      this.deliver(`event ${outcome}`, migration.id, () =>
        this.options.events.publish({
          topic: migrationOutcomeTopic(outcome),
          eventPayload: outcomeEvent(migration, outcome, change, occurredAt),
        }),
      ),
    ]);
  }

  async consumerChanged(change: ConsumerChange): Promise<void> {
    this.signal({
      migrationId: change.migrationId,
      consumerRef: change.consumerRef,
    });
    if (!change.notice) return;
    // Notices gather until the run's consumers fall quiet, so a team whose
    // consumers reach a notice together (ten dashboards without a repository
    // failing at discovery, a second apart) gets one notification, not a pop-up
    // per consumer.
    const gathering = this.notices.get(change.migrationId);
    if (gathering) {
      gathering.push(change);
      return;
    }
    const gathered = [change];
    this.notices.set(change.migrationId, gathered);
    // On a chain of their own: the run's signals and outcomes do not wait for them.
    this.after(`${change.migrationId} consumer notices`, async () => {
      const until = Date.now() + this.noticeWindowMs * NOTICE_WINDOWS_AT_MOST;
      for (let seen = 0; gathered.length > seen && Date.now() < until; ) {
        seen = gathered.length;
        await sleep(this.noticeWindowMs);
      }
      this.notices.delete(change.migrationId);
      const migration = await this.read(change.migrationId);
      if (!migration) return;
      for (const batch of byTeamAndNotice(gathered))
        await this.tellConsumers(migration, batch);
    });
  }

  /** One notification: to a consumer's owners, or to a team for several of its consumers. */
  private async tellConsumers(
    migration: Migration,
    batch: ConsumerChange[],
  ): Promise<void> {
    const [first] = batch;
    const notice = first.notice!;
    const actors = new Set(batch.map(c => c.actor));
    const actor = actors.size === 1 ? first.actor : undefined;
    const single = consumerNotice(
      notice,
      migration,
      first.consumerRef,
      first.reason,
    );
    await this.deliver(`consumer ${notice}`, migration.id, () =>
      this.options.notifications.send({
        recipients: {
          type: 'entity',
          // A consumer component, or its owning group, resolves to the group's members.
          entityRef: batch.length === 1 ? first.consumerRef : first.owner!,
          ...(actor ? { excludeEntityRef: actor } : {}),
        },
        payload:
          batch.length === 1
            ? {
                ...single,
                scope: consumerScope(migration.id, first.consumerRef),
                link: migrationLink(migration),
              }
            : {
                ...single,
                ...consumersNotice(
                  notice,
                  migration,
                  batch.map(c => c.consumerRef),
                ),
                scope: consumersScope(
                  migration.id,
                  notice,
                  first.owner!,
                  first.consumerRef,
                ),
                link: migrationLink(migration),
              },
      }),
    );
  }

  async campaignChanged(change: CampaignChange): Promise<void> {
    const { campaigns } = this.options;
    if (!campaigns) return;
    const key = `campaign:${change.campaignId}`;
    this.after(key, async () => {
      await this.deliver('campaign signal', key, () =>
        this.options.signals.publish<CampaignSignal>({
          // Ids only, broadcast: each portal refetches under its own permissions.
          recipients: { type: 'broadcast' },
          channel: CAMPAIGN_SIGNAL_CHANNEL,
          message: { campaignId: change.campaignId },
        }),
      );
      const notice = CAMPAIGN_NOTICES[change.state];
      if (!notice) return;
      const campaign = await campaigns.getHeader(change.campaignId);
      if (!campaign) return;
      await this.deliver(`campaign ${change.state}`, key, () =>
        this.options.notifications.send({
          recipients: {
            type: 'entity',
            // The owning group resolves to its members.
            entityRef: campaign.owner,
            ...(change.actor ? { excludeEntityRef: change.actor } : {}),
          },
          payload: {
            ...notice(campaign.title, change.reason),
            topic: NOTIFICATION_TOPICS.campaign,
            scope: campaignScope(change.campaignId),
            link: campaignLink(change.campaignId),
          },
        }),
      );
    });
  }

  async campaignLeftToOwners(notice: CampaignLeftToOwners): Promise<void> {
    const { campaigns } = this.options;
    if (!campaigns) return;
    const key = `campaign:${notice.campaignId}`;
    this.after(key, async () => {
      const campaign = await campaigns.getHeader(notice.campaignId);
      if (!campaign) return;
      await this.deliver('campaign rollback left to owners', key, () =>
        this.options.notifications.send({
          recipients: {
            type: 'entity',
            // The dataset resolves to its owner group's members.
            entityRef: notice.entityRef,
          },
          payload: {
            title: `Campaign ${campaign.title} rolled back a wave, but not ${
              parseEntityRef(notice.entityRef).name
            }: roll it back or keep it`,
            description: `${notice.reason}. Its migration ${notice.migrationId} stays on the new version: the campaign's starter may not roll it back.`,
            severity: 'high',
            topic: NOTIFICATION_TOPICS.campaign,
            scope: `${campaignScope(notice.campaignId)}:left:${
              notice.entityRef
            }`,
            link: migrationLink({
              id: notice.migrationId,
              entityRef: notice.entityRef,
            }),
          },
        }),
      );
    });
  }

  async campaignEscalated(notice: CampaignEscalationNotice): Promise<void> {
    const { campaigns } = this.options;
    if (!campaigns) return;
    const campaign = await campaigns.getHeader(notice.campaignId);
    if (!campaign) return;
    // Awaited, and thrown when it fails: the escalation records what was delivered.
    await this.retried(() =>
      this.options.notifications.send({
        recipients: {
          type: 'entity',
          // A consumer or dataset resolves to its owner group's members.
          entityRef: notice.to === 'owner' ? campaign.owner : notice.entityRef,
        },
        payload: {
          ...escalationNotice(notice, campaign.title),
          topic: NOTIFICATION_TOPICS.deadline,
          scope: escalationScope(notice.campaignId, notice),
          link: campaignLink(notice.campaignId),
        },
      }),
    );
  }

  /** Resolves once every announcement made so far was delivered or given up on. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  /** Sends what the signal windows hold now and stops their timers; a shutdown waits for no retry. */
  async close(): Promise<void> {
    this.closing.abort();
    const held = [...this.windows.values()];
    this.windows.clear();
    for (const window of held) {
      clearTimeout(window.timer);
      if (window.pending) this.sendSignal(window.pending);
    }
    await this.idle();
  }

  /** Runs `work` after this run's earlier announcements; never rejects. */
  private after(migrationId: string, work: () => Promise<void>): void {
    const previous = this.chains.get(migrationId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch(error =>
        this.options.logger.warn(
          `Could not announce a change of migration ${migrationId}: ${error}`,
        ),
      );
    this.chains.set(migrationId, next);
    next.finally(() => {
      if (this.chains.get(migrationId) === next)
        this.chains.delete(migrationId);
    });
  }

  /**
   * Signals go out at once, then at most one per window per run (or consumer),
   * carrying the latest change: step progress can be reported many times a second.
   */
  private signal(change: { migrationId: string; consumerRef?: string }) {
    if (this.signalWindowOpened(change)) this.sendSignal(change);
  }

  /**
   * Whether the change is to be signalled now: true when no window of its run
   * (or consumer) was open, and one is opened; otherwise it waits in the window.
   */
  private signalWindowOpened(change: {
    migrationId: string;
    consumerRef?: string;
  }): boolean {
    const key = `${change.migrationId} ${change.consumerRef ?? ''}`;
    const open = this.windows.get(key);
    if (open) {
      open.pending = change;
      return false;
    }
    this.openWindow(key);
    return true;
  }

  private openWindow(key: string) {
    const window: SignalWindow = {
      timer: setTimeout(() => {
        if (this.windows.get(key) !== window) return;
        this.windows.delete(key);
        if (!window.pending) return;
        this.sendSignal(window.pending);
        this.openWindow(key);
      }, this.signalIntervalMs),
    };
    window.timer.unref();
    this.windows.set(key, window);
  }

  private sendSignal(change: { migrationId: string; consumerRef?: string }) {
    // Read when sent: one read per coalesced burst, for the dataset it names.
    this.after(change.migrationId, async () => {
      const migration = await this.read(change.migrationId);
      if (migration) await this.publishSignal(migration, change.consumerRef);
    });
  }

  private async publishSignal(migration: Migration, consumerRef?: string) {
    const message: DatasetMigrationsSignal = {
      migrationId: migration.id,
      entityRef: migration.entityRef,
      ...(consumerRef ? { consumerRef } : {}),
      ...(migration.campaign ? { campaignId: migration.campaign.id } : {}),
    };
    await this.deliver('signal', migration.id, () =>
      this.options.signals.publish<DatasetMigrationsSignal>({
        // Broadcast: a message names a run and its dataset (and a consumer), never
        // its status or what it changes; every client refetches the run with its own credentials,
        // and the plugin's read permission decides what it gets. Who may read a run
        // is the organisation's policy to say, which a user list here could not
        // follow (an admin, a consumer's owner, anyone the policy lets read it).
        recipients: { type: 'broadcast' },
        channel: DATASET_MIGRATIONS_SIGNAL_CHANNEL,
        message,
      }),
    );
  }

  private async read(migrationId: string): Promise<Migration | undefined> {
    // The run without its plan, steps and logs: this is read for every progress
    // signal and notification, and a plan is ~10 KB of JSON none of them shows.
    // Retried like a delivery: a read lost with its connection would drop the
    // outcome's signal, notification and event all at once.
    const [migration] = await this.retried(() =>
      this.options.migrations.listMigrations({ ids: [migrationId], limit: 1 }),
    );
    if (!migration)
      this.options.logger.warn(
        `Migration ${migrationId} changed but cannot be read; nothing announced`,
      );
    return migration;
  }

  /** One delivery, retried after each delay, then logged; never rejects. */
  private async deliver(
    what: string,
    migrationId: string,
    send: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await this.retried(send);
    } catch (error) {
      this.options.logger.warn(
        `Could not deliver the ${what} of migration ${migrationId} after ${
          this.retryDelaysMs.length + 1
        } attempts; the migration goes on without it: ${error}`,
      );
    }
  }

  /** Runs `send`, retrying after each delay; throws its last error. */
  private async retried<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined || this.closing.signal.aborted) throw error;
        // Woken by `close`, which ends the retries: its error is the last one.
        await sleep(delay, undefined, { signal: this.closing.signal }).catch(
          () => {
            throw error;
          },
        );
      }
    }
  }
}

function outcomeEvent(
  migration: Migration,
  outcome: MigrationOutcome,
  change: MigrationChange,
  occurredAt: string,
): MigrationOutcomeEvent {
  return {
    migrationId: migration.id,
    entityRef: migration.entityRef,
    outcome,
    fromVersion: migration.fromVersion,
    targetVersion: migration.targetVersion,
    dryRun: migration.dryRun,
    ...(change.actor ? { actor: change.actor } : {}),
    // Why a run failed may quote the dataset's rows, and a subscriber may relay
    // the event anywhere: the run says why, to who may see them.
    ...(change.reason && outcome !== 'failed' ? { reason: change.reason } : {}),
    occurredAt,
  };
}
