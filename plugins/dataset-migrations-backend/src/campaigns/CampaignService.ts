import { randomUUID } from 'node:crypto';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  campaignActionRequestSchema,
  campaignResumeRequestSchema,
  datasetMigrationApproveOwnPermission,
  datasetMigrationApprovePermission,
  datasetMigrationContractPermission,
  datasetMigrationRollbackPermission,
  datasetMigrationRequestPermission,
  datasetMigrationStartPermission,
  FAILED_CAMPAIGN_DATASET_STATES,
  type Campaign,
  type CampaignPlan,
  type CampaignState,
  type CampaignSummary,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import {
  CampaignDatasetsBusy,
  type CampaignStore,
  type CampaignTransitionResult,
  type RevokedRights,
  type StarterRights,
} from '../database/CampaignStore';
import type { JobQueue } from '../queue/JobQueue';
import { namedFew } from '../validation/namedFew';
import { parseInput } from '../validation/parseInput';
import type { CampaignPlanning } from './CampaignPlanning';
import { skippedWhileBusy } from './CampaignPlanner';
import type { Clock } from './CampaignRunner';
import { windowWait } from './windowWait';
import { assertMayOwn } from './campaignOwner';
import { withoutFigures } from '../consumers/verification/shadowCheck';

/** The starter's permissions on the campaign's datasets, checked with their own credentials. */
export interface CampaignDatasetPermissions {
  /** All or nothing: 403 naming every dataset the permission was denied on. */
  assertAllowedOnEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<void>;
  /** Those of the datasets the caller holds the permission on. */
  allowedEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<Set<string>>;
}

type User = BackstageCredentials<BackstageUserPrincipal>;

/** Datasets a campaign may still start, approve or contract. */
const OPEN_DATASET_STATES: readonly string[] = [
  'pending',
  'migrating',
  'migrated',
];

/**
 * Campaigns as people ask for them: plan, create a draft, start, pause, resume,
 * abort. The runner does the work; every change here is a compare-and-set on the
 * campaign's state, and a refusal names the state it found.
 */
export class CampaignService {
  constructor(
    private readonly deps: {
      campaigns: CampaignStore;
      planning: CampaignPlanning;
      permissions: CampaignDatasetPermissions;
      /** The creator's groups: a campaign's owner is the creator or one of them. */
      userInfo: Pick<UserInfoService, 'getUserInfo'>;
      queue: Pick<JobQueue, 'enqueueCampaignTick'>;
      announcer?: MigrationAnnouncer;
      clock?: Clock;
    },
  ) {}

  private now(): Date {
    return this.deps.clock?.now() ?? new Date();
  }

  /** What the document would do; a deadline already past is refused, as at create. */
  async plan(body: unknown, credentials: User): Promise<CampaignPlan> {
    const plan = await this.deps.planning.plan(body, credentials);
    refusePastDeadline(plan, this.now());
    return plan;
  }

  list(): Promise<CampaignSummary[]> {
    return this.deps.campaigns.listCampaigns();
  }

  /** The campaign as stored, with what its rollout calendar holds up as of now. */
  async get(id: string): Promise<Campaign> {
    const now = this.now();
    const stored = await this.deps.campaigns.getCampaign(id, now);
    if (!stored) throw new NotFoundError(`campaign ${id} was not found`);
    // A consumer's failure recorded before its figures were left out of it
    // (anyone who may read the campaign reads what is stuck).
    const campaign = {
      ...stored,
      stuck: stored.stuck.map(s => ({
        ...s,
        detail: withoutFigures(s.detail),
      })),
    };
    const wait = windowWait(campaign, now);
    if (!wait) return campaign;
    return {
      ...campaign,
      stateReason: campaign.stateReason ?? wait.reason,
      stuck: wait.stuck ? [...campaign.stuck, wait.stuck] : campaign.stuck,
    };
  }

  /**
   * The campaign as `credentials` may read it: a stuck item's detail (a
   * consumer's failure, its pull request) only where they may read the entity it
   * is about in the catalog (its consumer's, else its dataset's), as a consumer
   * ledger shows it.
   */
  async readableTo(
    campaign: Campaign,
    credentials: BackstageCredentials,
  ): Promise<Campaign> {
    const about = (s: Campaign['stuck'][number]) =>
      s.consumerRef ?? s.entityRef;
    const readable = await this.deps.permissions.allowedEntities(
      credentials,
      catalogEntityReadPermission,
      [...new Set(campaign.stuck.map(about))],
    );
    return {
      ...campaign,
      stuck: campaign.stuck.map(s =>
        readable.has(about(s))
          ? s
          : { ...s, detail: `hidden: you may not read ${about(s)}` },
      ),
    };
  }

  /**
   * A draft: nothing runs until it is started. Its owner is the creator or one
   * of their groups (403 otherwise, nothing stored). Only here: no route changes
   * a stored document, start plans the stored one again (its owner unchanged,
   * whoever starts it), and campaigns stored before this check keep their owners.
   */
  async create(body: unknown, credentials: User): Promise<Campaign> {
    const planned = await this.deps.planning.plan(body, credentials);
    refusePastDeadline(planned, this.now());
    await assertMayOwn(this.deps.userInfo, credentials, planned.document.owner);
    const plan = withDatasets(planned);
    const id = randomUUID();
    const created = await conflictIfBusy(() =>
      this.deps.campaigns.createCampaign({
        id,
        plan,
        createdBy: credentials.principal.userEntityRef,
        at: this.now(),
      }),
    );
    if (!created)
      throw new ConflictError(
        `a campaign named ${plan.document.name} already exists`,
      );
    return this.get(id);
  }

  /**
   * Plans the draft again with the starter's credentials (the selection may have
   * changed since), checks that the starter may request a migration of every
   * dataset, and records the refreshed plan, the starter and, per dataset, whether
   * they may start migrations of it (the approval rules use that later).
   */
  async start(id: string, credentials: User): Promise<Campaign> {
    const { campaigns } = this.deps;
    const draft = await this.get(id);
    if (draft.state !== 'draft') throw refusal(draft, draft.state, 'started');
    const plan = await this.plannedWithDatasets(draft.document, credentials);
    if (plan.document.name !== draft.name)
      throw new InputError(
        `the campaign's document names ${plan.document.name}, not ${draft.name}`,
      );
    const refs = datasetsOf(plan);
    await this.assertMayRequest(credentials, refs);
    // After the rights: one who may not start it is refused for that first.
    refuseDraftPastDeadline(draft, this.now());
    const starterRights = await this.rightsOn(credentials, refs);
    const started = await conflictIfBusy(() =>
      campaigns.startCampaign(id, {
        plan,
        startedBy: credentials.principal.userEntityRef,
        starterRights,
        at: this.now(),
      }),
    );
    return this.changed(id, started, draft, 'started', credentials, 'running');
  }

  async pause(id: string, body: unknown, credentials: User): Promise<Campaign> {
    const { reason } = parseInput(
      campaignActionRequestSchema,
      body ?? {},
      'pause request',
    );
    const campaign = await this.get(id);
    const paused = await this.deps.campaigns.transition(id, {
      from: ['running'],
      to: 'paused',
      reason,
      at: this.now(),
    });
    return this.changed(
      id,
      paused,
      campaign,
      'paused',
      credentials,
      'paused',
      reason,
    );
  }

  /** Whether the failure policy (not a person) paused it. */
  pausedByRunner(id: string): Promise<boolean> {
    return this.deps.campaigns.isPausedByRunner(id);
  }

  /**
   * Running again. After the failure policy paused it, the failures it paused for
   * are accepted by the person resuming: the policy trips again only on more of
   * them. After a person's pause nothing is accepted: failures that came in while
   * it was paused are judged at the next look. The resumer must hold request on
   * every dataset not started yet, as the starter did (403 otherwise, unchanged),
   * and the campaign keeps only the rights both hold.
   */
  async resume(
    id: string,
    body: unknown,
    credentials: User,
  ): Promise<{
    campaign: Campaign;
    afterAutomaticPause: boolean;
    /** The failures the person saw, the only ones the resume accepted. */
    failedSeen?: string[];
    /** Datasets not finished on which the resumer lacks a right: the campaign has it no more. */
    narrowed: RevokedRights;
  }> {
    const { failedSeen } = parseInput(
      campaignResumeRequestSchema,
      body ?? {},
      'resume request',
    );
    const campaign = await this.get(id);
    // The runner goes on in the starter's name: starting the rest, which the
    // resumer must hold request on too, and contracting those migrated. What it
    // may do narrows to the rights both hold, or resuming would lend the
    // starter's (a contract asked once the campaign completes). Rollbacks, the
    // failure policy's undoing of the campaign's own change, stay the starter's.
    await this.assertMayRequest(
      credentials,
      campaign.datasets
        .filter(d => d.state === 'pending')
        .map(d => d.entityRef),
    );
    const resumerRights = await this.rightsOn(
      credentials,
      campaign.datasets.map(d => d.entityRef),
    );
    const revokeRights = lackedOn(campaign.datasets, resumerRights);
    if (failedSeen) refuseUnknownFailures(campaign, failedSeen);
    // Failures the person's page did not show: told now, nothing changed, rather
    // than resumed only for the policy to pause again a moment later (a failure
    // landing after this read still does that: the store accepts only those seen).
    const seen = new Set(failedSeen);
    const unseen = failedSeen
      ? campaign.datasets.filter(
          d =>
            FAILED_CAMPAIGN_DATASET_STATES.includes(d.state) &&
            !seen.has(d.entityRef),
        )
      : [];
    if (
      unseen.length > 0 &&
      campaign.state === 'paused' &&
      (await this.deps.campaigns.isPausedByRunner(id))
    )
      throw new ConflictError(
        `campaign ${campaign.name}: ${unseen.length} dataset${
          unseen.length === 1 ? '' : 's'
        } failed that the page you resumed from did not show (${unseen
          .slice(0, 5)
          .map(d => d.entityRef)
          .join(', ')}${unseen.length > 5 ? ', …' : ''}); look at ${
          unseen.length === 1 ? 'it' : 'them'
        } and resume again`,
      );
    const resumed = await this.deps.campaigns.transition(id, {
      from: ['paused'],
      to: 'running',
      at: this.now(),
      acceptFailures: true,
      ...(failedSeen ? { failedSeen } : {}),
      revokeRights,
    });
    const afterAutomaticPause =
      resumed.changed && resumed.acceptedFailures === true;
    return {
      campaign: await this.changed(
        id,
        resumed,
        campaign,
        'resumed',
        credentials,
        'running',
      ),
      afterAutomaticPause,
      ...(failedSeen ? { failedSeen } : {}),
      narrowed: lackedOn(
        campaign.datasets.filter(d => OPEN_DATASET_STATES.includes(d.state)),
        resumerRights,
      ),
    };
  }

  /**
   * Stops the campaign for good: datasets not started are skipped with the reason;
   * a migration already started runs to its end (never stopped mid cut-over), and
   * its outcome is still recorded.
   */
  async abort(id: string, body: unknown, credentials: User): Promise<Campaign> {
    const { reason } = parseInput(
      campaignActionRequestSchema,
      body ?? {},
      'abort request',
    );
    const campaign = await this.get(id);
    const aborted = await this.deps.campaigns.transition(id, {
      from: ['draft', 'running', 'paused'],
      to: 'aborted',
      reason,
      at: this.now(),
      skipPending: `campaign aborted: ${reason}`,
    });
    return this.changed(
      id,
      aborted,
      campaign,
      'aborted',
      credentials,
      'aborted',
      reason,
    );
  }

  private async changed(
    id: string,
    result: CampaignTransitionResult,
    before: Campaign,
    verb: string,
    credentials: User,
    state: CampaignState,
    reason?: string,
  ): Promise<Campaign> {
    if (!result.changed)
      throw refusal(before, result.current ?? before.state, verb);
    // Started, resumed or aborted: the runner looks at once (an aborted campaign
    // still records what its running migrations do).
    if (state !== 'paused') await this.deps.queue.enqueueCampaignTick(id);
    await this.deps.announcer?.campaignChanged?.({
      campaignId: id,
      state,
      actor: credentials.principal.userEntityRef,
      ...(reason ? { reason } : {}),
    });
    return this.get(id);
  }

  /**
   * What the campaign may do in `credentials`' name on each of `refs`: start,
   * approve (approve-own too: the campaign requests every migration in the
   * starter's name), contract and roll back.
   */
  private async rightsOn(
    credentials: User,
    refs: string[],
  ): Promise<StarterRights> {
    const allowed = (permission: ResourcePermission<'catalog-entity'>) =>
      this.deps.permissions.allowedEntities(credentials, permission, refs);
    const [mayStart, mayApprove, mayApproveOwn, mayContract, mayRollBack] =
      await Promise.all([
        allowed(datasetMigrationStartPermission),
        allowed(datasetMigrationApprovePermission),
        allowed(datasetMigrationApproveOwnPermission),
        allowed(datasetMigrationContractPermission),
        allowed(datasetMigrationRollbackPermission),
      ]);
    return {
      mayStart,
      mayApprove: new Set([...mayApprove].filter(r => mayApproveOwn.has(r))),
      mayContract,
      mayRollBack,
    };
  }

  /** 403 naming the permission and every dataset it was denied on. */
  private assertMayRequest(credentials: User, refs: string[]): Promise<void> {
    return this.deps.permissions.assertAllowedOnEntities(
      credentials,
      datasetMigrationRequestPermission,
      refs,
    );
  }

  private async plannedWithDatasets(
    body: unknown,
    credentials: User,
  ): Promise<CampaignPlan> {
    return withDatasets(await this.deps.planning.plan(body, credentials));
  }
}

/**
 * The plan, or a 400 when it selects no dataset that can be migrated; a 409 when
 * it matched some, all left out only for migrations under way: busy, as the
 * store's own check answers a dataset taken meanwhile (a later try may pass).
 */
function withDatasets(plan: CampaignPlan): CampaignPlan {
  if (datasetsOf(plan).length > 0) return plan;
  const skipped = namedFew(
    plan.skipped.map(s => `${s.entityRef} (${s.reason})`),
  );
  // Nothing wrong with the document then: say what to wait for, not "invalid".
  if (
    plan.skipped.length > 0 &&
    plan.skipped.every(s => skippedWhileBusy(s.reason))
  )
    throw new ConflictError(
      `campaign ${plan.document.name}: every dataset it matches has a migration under way: ${skipped}; try again once they finish`,
    );
  throw new InputError(
    `Invalid campaign: selector: matches no dataset that can be migrated${
      plan.skipped.length > 0 ? `: ${skipped}` : ''
    }`,
  );
}

/** Per right, those of `datasets` that `rights` lack it on. */
function lackedOn(
  datasets: Campaign['datasets'],
  rights: StarterRights,
): RevokedRights {
  const lacking = (held: ReadonlySet<string>) =>
    datasets.map(d => d.entityRef).filter(ref => !held.has(ref));
  return {
    start: lacking(rights.mayStart),
    approve: lacking(rights.mayApprove),
    contract: lacking(rights.mayContract),
  };
}

/**
 * A 400 naming the deadline when it has already passed: the schema cannot know
 * the time, so the service checks it with its clock. A date alone is its first
 * instant (UTC), as the campaign stores and escalates it.
 */
function refusePastDeadline(plan: CampaignPlan, now: Date): void {
  const { deadline } = plan.document;
  if (Date.parse(deadline) > now.getTime()) return;
  throw new InputError(
    `Invalid campaign: deadline: ${deadline} has already passed (it is ${now.toISOString()}); give a deadline in the future`,
  );
}

/**
 * A 409 naming the deadline when a draft's has passed since it was created: its
 * escalation would be due at once and no window opens before it, and no route
 * changes a stored document, so the way on is a new campaign (create refuses a
 * past deadline, so only time makes a draft's pass).
 */
function refuseDraftPastDeadline(draft: Campaign, now: Date): void {
  if (Date.parse(draft.deadline) > now.getTime()) return;
  throw new ConflictError(
    `campaign ${draft.name} cannot be started: its deadline ${
      draft.document.deadline
    } has passed (it is ${now.toISOString()}), and a draft's document cannot be changed: abort this draft and create the campaign again with a later deadline`,
  );
}

/** A dataset busy elsewhere (checked as the campaign is written) answers 409 naming it. */
async function conflictIfBusy<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof CampaignDatasetsBusy)
      throw new ConflictError(error.message);
    throw error;
  }
}

function datasetsOf(plan: CampaignPlan): string[] {
  return plan.waves.flatMap(w => w.datasets.map(d => d.entityRef));
}

const ALLOWED_FROM: Record<string, string> = {
  started: 'a draft',
  paused: 'a running campaign',
  resumed: 'a paused campaign',
  aborted: 'a draft, running or paused campaign',
};

function refusal(
  campaign: Pick<Campaign, 'name'>,
  current: CampaignState,
  verb: string,
): ConflictError {
  return new ConflictError(
    `campaign ${campaign.name} is ${current}; only ${ALLOWED_FROM[verb]} can be ${verb}`,
  );
}

/**
 * Refuses a resume whose `failedSeen` names what is no failure of the campaign,
 * before anything changes (its audit event would record the refs as the
 * failures the person accepted): a ref named twice or naming no dataset of the
 * campaign is a 400; one naming a dataset that has not failed, a 409, since a
 * page read before a failed consumer was mended may name it.
 */
function refuseUnknownFailures(
  campaign: Campaign,
  failedSeen: readonly string[],
): void {
  const byRef = new Map(campaign.datasets.map(d => [d.entityRef, d]));
  const named = new Set<string>();
  const twice = new Set<string>();
  for (const ref of failedSeen) (named.has(ref) ? twice : named).add(ref);
  if (twice.size > 0)
    throw new InputError(
      `Invalid resume request: failedSeen: ${namedFew([...twice])} ${
        twice.size === 1 ? 'is' : 'are'
      } named more than once`,
    );
  const strangers = [...named].filter(ref => !byRef.has(ref));
  if (strangers.length > 0)
    throw new InputError(
      `Invalid resume request: failedSeen: ${namedFew(strangers)} ${
        strangers.length === 1 ? 'is not a dataset' : 'are not datasets'
      } of campaign ${campaign.name}`,
    );
  const notFailed = [...named]
    .map(ref => byRef.get(ref)!)
    .filter(d => !FAILED_CAMPAIGN_DATASET_STATES.includes(d.state));
  if (notFailed.length > 0)
    throw new ConflictError(
      `campaign ${campaign.name}: failedSeen names ${
        notFailed.length === 1 ? 'a dataset' : `${notFailed.length} datasets`
      } that ${notFailed.length === 1 ? 'has' : 'have'} not failed (${namedFew(
        notFailed.map(d => `${d.entityRef} is ${d.state}`),
      )}); look at the campaign again and resume`,
    );
}
