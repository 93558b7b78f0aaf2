import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SOURCE_LOCATION,
  RELATION_DEPENDS_ON,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_CRITICALITY,
  CRITICALITY_LEVELS,
  DEFAULT_CRITICALITY,
  datasetMigrationRequestPermission,
  type CampaignDocument,
  type CampaignOwnerLoad,
  type CampaignPlan,
  type CampaignPlannedDataset,
  type CampaignSkippedDataset,
  type Criticality,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { DatasetCatalog, consumersOf } from '../catalog/DatasetCatalog';
import { TableClaims } from '../catalog/TableClaims';
import type { MigrationStore } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import { mapConcurrently } from '../consumers/mapConcurrently';
import { repositoryUrlFromSourceLocation } from '../consumers/repositories/RepositoryReader';
import {
  MigrationPlanner,
  PREVIEW_MIGRATION_ID,
  type LiveDataset,
} from '../services/MigrationPlanner';
import { stillServed, waitsForContract } from '../services/previousVersions';
import { parseCampaignDocument } from './campaignDocument';
import type { Clock } from './CampaignRunner';
import { RecentAssessments, assessmentFingerprint } from './recentAssessments';
import { assignWaves } from './waves';

/**
 * The caller's permission on many catalog entities, in one batch request: the
 * request guard (`RequestGuard`) answers it with the caller's own credentials.
 */
export interface BatchEntityPermissions {
  isAllowedOnEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<boolean[]>;
}

/** Datasets introspected and planned at once, unless the planner is told otherwise. */
const DEFAULT_CONCURRENCY = 4;

/** Where an owner-less dataset or consumer is counted in `byOwner`. */
export const NO_OWNER = '(no owner)';

const BUSY_WITH = 'busy with migration ';

/** How `waitsForContract` begins: the earlier migration must be contracted first. */
const WAITS_FOR_CONTRACT =
  /^dataset \S+ waits for its migration to version \d+ \([^)]*\) to be contracted:/;

/**
 * Whether a skipped dataset was left out for a migration it has under way (busy,
 * or waiting for an earlier one's contract), which passes, rather than for the
 * selection or the dataset itself: a campaign left with only such is a 409.
 */
export function skippedWhileBusy(reason: string): boolean {
  return reason.startsWith(BUSY_WITH) || WAITS_FOR_CONTRACT.test(reason);
}

/** A dataset the selector matched: its entity once read, and why it is skipped, if it is. */
interface Candidate {
  entityRef: string;
  entity?: Entity;
  /** Its live state, when the selection already read it (`hasFields`). */
  live?: LiveDataset;
  skip?: string;
}

/** A selected dataset that can be migrated, before lineage and consumers are counted. */
interface Migratable {
  entity: Entity;
  dataset: Omit<
    CampaignPlannedDataset,
    'consumers' | 'pullRequests' | 'upstream'
  >;
}

/** A dataset's assessment as it is reused: its planned facts, or why it is skipped. */
type Assessment = Pick<Migratable, 'dataset'> | { skip: string };

/**
 * What a campaign would do, computed with the caller's rights and without changing
 * anything: which datasets its selector matches (as the caller sees the catalog,
 * and live schemas for `hasFields`), which of those it would migrate and which it
 * skips and why, in which order and waves, and the consumers and pull requests it
 * should expect, per wave and per owning team.
 *
 * Each dataset's migration is checked and planned by the {@link MigrationPlanner},
 * exactly as a single migration request of it would be.
 */
export class CampaignPlanner {
  private readonly planner: MigrationPlanner;
  /**
   * Assessments of the minutes before: a campaign is reviewed, created and
   * started, each planning every dataset, and a dataset whose live schema did not
   * change in between need not be planned by its engine again.
   */
  private readonly recent: RecentAssessments<Assessment>;

  constructor(
    private readonly deps: {
      /** The catalog, always read with the caller's credentials. */
      catalog: DatasetCatalog;
      engines: EngineRegistry;
      /** Dataset versions, and the work under way that makes a dataset busy. */
      store: Pick<
        MigrationStore,
        | 'getDatasetState'
        | 'activeMigrationsOf'
        | 'activeCampaignsOf'
        | 'listMigrations'
        | 'getMigrationWithPlan'
      >;
      /** Whether the caller may request a migration of each dataset (the request guard). */
      permissions: BatchEntityPermissions;
      /** Datasets introspected and planned at once (default 4): engines are shared. */
      concurrency?: number;
      clock?: Clock;
    },
  ) {
    this.planner = new MigrationPlanner(deps);
    this.recent = new RecentAssessments(deps.clock);
  }

  /**
   * The plan of a campaign document (parsed JSON or YAML). A 400 names every
   * problem of the document by path, or says which filters matched nothing. A
   * campaign of the same name is not counted as another campaign holding its
   * datasets, so a draft can be planned again when it starts.
   */
  async plan(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<CampaignPlan> {
    const document = parseCampaignDocument(body);
    // Which entities name which tables: one catalog read for all the datasets.
    const tables = await TableClaims.read(this.deps.catalog, this.deps.engines);
    const candidates = await this.select(document, credentials, tables);
    await this.skipBusyAndForbidden(document, candidates, credentials);

    const migratable: Migratable[] = [];
    const skipped: CampaignSkippedDataset[] = [];
    const assessed = await mapConcurrently(candidates, this.concurrency, c =>
      this.assess(document, c, tables),
    );
    assessed.forEach((result, i) => {
      if ('skip' in result)
        skipped.push({
          entityRef: candidates[i].entityRef,
          reason: result.skip,
        });
      else migratable.push(result);
    });

    const consumers = await this.consumerEntities(migratable, credentials);
    const datasets = withLineage(migratable, consumers);
    return {
      document,
      waves: assignWaves(datasets, document.rollout),
      skipped: skipped.sort((a, b) => compareText(a.entityRef, b.entityRef)),
      byOwner: ownerLoad(migratable, datasets, consumers),
      totals: {
        datasets: datasets.length,
        consumers: sum(datasets, d => d.consumers),
        pullRequests: sum(datasets, d => d.pullRequests),
      },
    };
  }

  private get concurrency(): number {
    return this.deps.concurrency ?? DEFAULT_CONCURRENCY;
  }

  /**
   * The datasets the selector names: those the filters match (owners, tags,
   * types, then `hasFields` on the live schema), plus `entityRefs` (which no
   * filter narrows; a change that does not apply to one is a skip reason), less
   * `exclude`. The filters run unless only `entityRefs` are given; with no
   * selector at all, every dataset the caller can see is selected.
   */
  private async select(
    document: CampaignDocument,
    credentials: BackstageCredentials,
    tables: TableClaims,
  ): Promise<Candidate[]> {
    const { selector } = document;
    const excluded = new Set(selector.exclude ?? []);
    const explicit = selector.entityRefs ?? [];
    const filtered =
      selector.owners ||
      selector.tags ||
      selector.types ||
      selector.hasFields ||
      explicit.length === 0;
    const candidates = new Map<string, Candidate>();

    if (filtered) {
      const matches = (
        await this.deps.catalog.queryDatasets(
          {
            types: selector.types ?? ['dataset'],
            owners: selector.owners,
            tags: selector.tags,
          },
          credentials,
        )
      ).filter(entity => !excluded.has(stringifyEntityRef(entity)));
      const kept = await mapConcurrently(matches, this.concurrency, entity =>
        this.withFields(entity, selector.hasFields, tables),
      );
      for (const candidate of kept) {
        if (candidate) candidates.set(candidate.entityRef, candidate);
      }
    }

    const named = [...new Set(explicit)].filter(
      ref => !excluded.has(ref) && !candidates.has(ref),
    );
    const entities = await this.deps.catalog.getEntities(named, credentials);
    named.forEach((entityRef, i) => {
      const entity = entities[i];
      candidates.set(
        entityRef,
        entity
          ? { entityRef, entity }
          : {
              entityRef,
              skip: 'not in the catalog, or not visible to you',
            },
      );
    });

    if (candidates.size === 0) {
      throw new InputError(
        `The campaign selects no datasets: ${describeSelector(document)}`,
      );
    }
    return [...candidates.values()].sort((a, b) =>
      compareText(a.entityRef, b.entityRef),
    );
  }

  /**
   * The entity as a candidate if its live schema has every one of `fields` (always,
   * without any), undefined if it lacks one; a schema that cannot be read is a skip.
   */
  private async withFields(
    entity: Entity,
    fields: string[] | undefined,
    tables: TableClaims,
  ): Promise<Candidate | undefined> {
    const entityRef = stringifyEntityRef(entity);
    if (!fields?.length) return { entityRef, entity };
    let live: LiveDataset;
    try {
      live = await this.planner.liveState(entity, undefined, tables);
    } catch (error) {
      return {
        entityRef,
        entity,
        skip: `its live schema could not be read to check hasFields: ${messageOf(
          error,
        )}`,
      };
    }
    const names = new Set(live.schema.fields.map(f => f.name));
    return fields.every(f => names.has(f))
      ? { entityRef, entity, live }
      : undefined;
  }

  /**
   * Marks candidates the caller may not request a migration of, and those busy
   * with an active migration or in another active campaign (all read in bulk).
   */
  private async skipBusyAndForbidden(
    document: CampaignDocument,
    candidates: Candidate[],
    credentials: BackstageCredentials,
  ): Promise<void> {
    const open = candidates.filter(c => !c.skip);
    const refs = open.map(c => c.entityRef);
    const [allowed, migrations, campaigns] = await Promise.all([
      this.deps.permissions.isAllowedOnEntities(
        credentials,
        datasetMigrationRequestPermission,
        refs,
      ),
      this.deps.store.activeMigrationsOf(refs),
      this.deps.store.activeCampaignsOf(refs, {
        exceptCampaign: document.name,
      }),
    ]);
    open.forEach((candidate, i) => {
      const migration = migrations.get(candidate.entityRef);
      const campaign = campaigns.get(candidate.entityRef);
      if (!allowed[i]) {
        candidate.skip = `you may not request a migration of it (permission ${datasetMigrationRequestPermission.name} was denied)`;
      } else if (migration) {
        candidate.skip = `${BUSY_WITH}${migration.id} (${migration.status}, to version ${migration.targetVersion})`;
      } else if (campaign) {
        candidate.skip = `already in campaign ${campaign.name} (${campaign.state})`;
      }
    });
    await this.skipWaitingForContract(candidates.filter(c => !c.skip));
  }

  /**
   * Marks candidates whose earlier migration must be contracted before another
   * starts (as a start would refuse them: see `stillServed`), so the plan shows
   * them skipped, not the wave when it comes.
   */
  private async skipWaitingForContract(candidates: Candidate[]) {
    if (candidates.length === 0) return;
    const { store } = this.deps;
    const uncontracted = await store.listMigrations({
      entityRefs: candidates.map(c => c.entityRef),
      limit: 100_000,
      uncontracted: true,
    });
    const byRef = new Map(candidates.map(c => [c.entityRef, c]));
    for (const previous of uncontracted) {
      const candidate = byRef.get(previous.entityRef);
      if (!candidate || candidate.skip) continue;
      const served = await stillServed(previous, id =>
        store.getMigrationWithPlan(id),
      );
      if (served.length > 0)
        candidate.skip = waitsForContract(
          candidate.entityRef,
          previous,
          served,
        );
    }
  }

  /**
   * The candidate's migration to its next version, checked against its live schema
   * and planned by its engine as a single request would be; or why it is skipped,
   * in the checker's or engine's own words. The live schema is read every time;
   * what was assessed of the same fingerprint minutes ago is reused (an engine's
   * refusal is not: it may be passing).
   */
  private async assess(
    document: CampaignDocument,
    candidate: Candidate,
    tables: TableClaims,
  ): Promise<Migratable | { skip: string }> {
    const { entity, skip } = candidate;
    if (skip || !entity) return { skip: skip ?? 'not in the catalog' };
    try {
      const live =
        candidate.live ??
        (await this.planner.liveState(entity, undefined, tables));
      const fingerprint = assessmentFingerprint(document, entity, live);
      const known = this.recent.get(fingerprint);
      if (known) return 'skip' in known ? known : { ...known, entity };
      const assessed = await this.assessLive(document, candidate, entity, live);
      this.recent.set(
        fingerprint,
        'skip' in assessed ? assessed : { dataset: assessed.dataset },
      );
      return assessed;
    } catch (error) {
      return { skip: messageOf(error) };
    }
  }

  /** The assessment itself; an engine's refusal is thrown. */
  private async assessLive(
    document: CampaignDocument,
    candidate: Candidate,
    entity: Entity,
    live: LiveDataset,
  ): Promise<Migratable | { skip: string }> {
    const request = this.planner.parseFor(
      {
        entityRef: candidate.entityRef,
        targetVersion: live.currentVersion + 1,
        changes: document.changes,
      },
      entity,
    );
    const checked = await this.planner.check(request, live);
    if (!checked.valid) return { skip: checked.problems.join('; ') };
    const plan = await this.planner.plan(checked.valid, PREVIEW_MIGRATION_ID);
    return {
      entity,
      dataset: {
        entityRef: candidate.entityRef,
        title: entity.metadata.title ?? entity.metadata.name,
        owner: DatasetCatalog.ownerOf(entity),
        criticality: criticalityOf(entity),
        fromVersion: plan.fromVersion,
        targetVersion: plan.targetVersion,
        compatibility: plan.compatibility.class,
      },
    };
  }

  /** Every consumer of the datasets, read once, by ref. */
  private async consumerEntities(
    migratable: Migratable[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
    const refs = [
      ...new Set(migratable.flatMap(m => consumersOf(m.entity))),
    ].sort(compareText);
    const entities = await this.deps.catalog.getEntities(refs, credentials);
    const found = new Map<string, Entity>();
    refs.forEach((ref, i) => {
      const entity = entities[i];
      if (entity) found.set(ref, entity);
    });
    return found;
  }
}

/**
 * Each dataset with its known consumers (catalog lineage, as the caller sees it),
 * the pull requests they should get (those with a repository), and the selected
 * datasets it is derived from.
 */
function withLineage(
  migratable: Migratable[],
  consumers: Map<string, Entity>,
): CampaignPlannedDataset[] {
  const selected = new Set(migratable.map(m => m.dataset.entityRef));
  const upstream = new Map<string, Set<string>>();
  const addUpstream = (dataset: string, from: string) => {
    if (dataset === from || !selected.has(dataset) || !selected.has(from))
      return;
    upstream.set(dataset, (upstream.get(dataset) ?? new Set()).add(from));
  };
  for (const { entity, dataset } of migratable) {
    for (const reader of consumersOf(entity))
      addUpstream(reader, dataset.entityRef);
    for (const relation of entity.relations ?? []) {
      if (relation.type === RELATION_DEPENDS_ON)
        addUpstream(dataset.entityRef, relation.targetRef);
    }
  }
  return migratable.map(({ entity, dataset }) => {
    const readers = readersOf(entity, consumers);
    return {
      ...dataset,
      consumers: readers.length,
      pullRequests: readers.filter(hasRepository).length,
      upstream: [...(upstream.get(dataset.entityRef) ?? [])].sort(compareText),
    };
  });
}

/** Datasets, consumers and pull requests per owning team, the busiest first. */
function ownerLoad(
  migratable: Migratable[],
  datasets: CampaignPlannedDataset[],
  consumers: Map<string, Entity>,
): CampaignOwnerLoad[] {
  const load = new Map<string, CampaignOwnerLoad>();
  const of = (owner: string | undefined) => {
    const key = owner ?? NO_OWNER;
    if (!load.has(key))
      load.set(key, { owner: key, datasets: 0, consumers: 0, pullRequests: 0 });
    return load.get(key)!;
  };
  for (const dataset of datasets) of(dataset.owner).datasets += 1;
  for (const { entity } of migratable) {
    for (const reader of readersOf(entity, consumers)) {
      const owner = of(DatasetCatalog.ownerOf(reader));
      owner.consumers += 1;
      if (hasRepository(reader)) owner.pullRequests += 1;
    }
  }
  return [...load.values()].sort(
    (a, b) =>
      b.datasets + b.consumers - (a.datasets + a.consumers) ||
      compareText(a.owner, b.owner),
  );
}

/** The dataset's readers the caller can see. */
function readersOf(entity: Entity, consumers: Map<string, Entity>): Entity[] {
  return consumersOf(entity).flatMap(ref => {
    const reader = consumers.get(ref);
    return reader ? [reader] : [];
  });
}

/** A consumer whose code the campaign can change: it will get a pull request. */
function hasRepository(consumer: Entity): boolean {
  return (
    repositoryUrlFromSourceLocation(
      consumer.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION],
    ) !== undefined
  );
}

/** The dataset's criticality; one it does not recognise counts as the default. */
function criticalityOf(entity: Entity): Criticality {
  const value = entity.metadata.annotations?.[ANNOTATION_CRITICALITY];
  return (
    CRITICALITY_LEVELS.find(level => level === value?.trim()) ??
    DEFAULT_CRITICALITY
  );
}

/** The filters a selection applied, for a person to see why it matched nothing. */
function describeSelector(document: CampaignDocument): string {
  const { selector } = document;
  const parts = [
    `types ${listed(selector.types ?? ['dataset'])}`,
    selector.owners && `owners ${listed(selector.owners)}`,
    selector.tags && `tags ${listed(selector.tags)}`,
    selector.hasFields && `hasFields ${listed(selector.hasFields)}`,
    selector.entityRefs && `entityRefs ${listed(selector.entityRefs)}`,
    selector.exclude && `exclude ${listed(selector.exclude)}`,
  ].filter(Boolean);
  return `no dataset you can see matches ${parts.join('; ')}`;
}

/** A list for a message, cut short: a selector may name thousands of datasets. */
function listed(values: string[]): string {
  const shown = values.slice(0, 10).join(', ');
  return values.length > 10 ? `${shown} and ${values.length - 10} more` : shown;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
