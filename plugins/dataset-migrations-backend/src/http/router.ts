import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { isError } from '@backstage/errors';
import {
  resolvePackagePath,
  type BackstageCredentials,
  type HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import {
  SPEC_JSON_SCHEMA_PATH,
  entityRefSchema,
  migrationListQuerySchema,
  consumerLedgerQuerySchema,
  consumerMigrationsQuerySchema,
  datasetMigrationCancelPermission,
  datasetMigrationConsumerUpdatePermission,
  datasetMigrationContractPermission,
  datasetMigrationReadPermission,
  datasetMigrationRetryPermission,
  datasetMigrationRollbackPermission,
  type Migration,
  type MigrationResponse,
  type SchemaVersionResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { RewritesBusyError } from '../consumers/rewriteWorkers';
import type { ConsumerService } from '../services/ConsumerService';
import type { ConsumerPullRequests } from '../services/ConsumerPullRequests';
import { parseInput } from '../validation/parseInput';
import type { MigrationService } from '../services/MigrationService';
import type { RequestGuard } from './RequestGuard';
import { createCampaignRouter } from './campaignRouter';
import { entityRefInPath, idInPath } from './pathParams';
import { specOf, specOrRefusal } from './specOf';
import {
  bodyOf,
  keepBodyRefusals,
  keepJsonText,
  noBody,
  YAML_TYPES,
} from './requestBody';
import { anyQuery, takesQuery } from './requestQuery';
import type { CampaignService } from '../campaigns/CampaignService';

const entityRefQuery = z.object({ entityRef: entityRefSchema }).strict();
const migrationId = z.string().uuid('must be a migration id');

/**
 * Refs for an audit event: the first 100, and `<key>Count` when there are more,
 * so that one event stays a line (a retry may name 5,000 consumers).
 */
function listed(key: string, refs: string[]): JsonObject {
  return refs.length > 100
    ? { [key]: refs.slice(0, 100), [`${key}Count`]: refs.length }
    : { [key]: refs };
}

/** The dataset a document names, for its audit event, before it is checked. */
function entityRefMeta(spec: unknown): JsonObject {
  const entityRef = (spec as { entityRef?: unknown } | null)?.entityRef;
  return typeof entityRef === 'string' ? { entityRef } : {};
}

/** The fields a target schema gives examples for, before it is checked. */
function fieldsWithExamples(spec: unknown): string[] {
  const fields = (spec as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap(field => {
    const { name, examples } = (field ?? {}) as {
      name?: unknown;
      examples?: unknown;
    };
    return Array.isArray(examples) && examples.length > 0
      ? [typeof name === 'string' ? name : '(unnamed)']
      : [];
  });
}

const specJsonSchemaFile = resolvePackagePath(
  '@dataset-migrations/plugin-dataset-migrations-common',
  SPEC_JSON_SCHEMA_PATH,
);

export function createRouter(options: {
  service: MigrationService;
  consumers: ConsumerService;
  pullRequests: ConsumerPullRequests;
  httpAuth: HttpAuthService;
  guard: RequestGuard;
  /** Campaigns' routes (`/campaigns`, `/campaign-spec`); left out where a test has none. */
  campaigns?: CampaignService;
}): express.Router {
  const { service, consumers, pullRequests, httpAuth, guard } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb', verify: keepJsonText }));
  router.use(express.text({ type: YAML_TYPES, limit: '1mb' }));
  router.use(keepBodyRefusals);

  router.get('/health', anyQuery(), (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/spec/v1/schema.json', anyQuery(), (_req, res) => {
    res.sendFile(specJsonSchemaFile);
  });

  if (options.campaigns)
    router.use(
      createCampaignRouter({ service: options.campaigns, httpAuth, guard }),
    );

  router.get('/datasets', takesQuery(), async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // Each with its newest run the caller may read.
    const visibility = await guard.migrationVisibility(
      credentials,
      datasetMigrationReadPermission,
    );
    res.json({ items: await service.listDatasets(credentials, visibility) });
  });

  router.get(
    '/datasets/:kind/:namespace/:name',
    takesQuery(),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      res.json(
        await service.getDataset(
          entityRefInPath(req, 'dataset'),
          credentials,
          await guard.migrationVisibility(
            credentials,
            datasetMigrationReadPermission,
          ),
        ),
      );
    },
  );

  router.post('/plans/infer', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { spec, refusal } = specOrRefusal(req, 'target schema');
    const infer = async () => {
      if (refusal) throw refusal;
      return service.inferSpec(
        spec,
        credentials,
        guard.seesRowsIn(credentials),
      );
    };
    const lookedFor = fieldsWithExamples(spec);
    // Examples are looked for among the dataset's rows: a read of its data,
    // recorded as the changes are, refused or not. A target alone reads no row.
    res.json(
      lookedFor.length === 0
        ? await infer()
        : await guard.audited(
            req,
            {
              eventId: 'plan-infer-examples',
              severityLevel: 'medium',
              meta: { ...entityRefMeta(spec), ...listed('fields', lookedFor) },
            },
            infer,
          ),
    );
  });

  router.post('/plans', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.planMigration(specOf(req), credentials));
  });

  // Requesting, approving and rejecting a migration: the service checks the
  // caller's permissions on the dataset (request, start, approve, approve-own).
  router.post('/migrations', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { spec, refusal } = specOrRefusal(req);
    const { migration, created } = await guard.audited(
      req,
      {
        eventId: 'migration-create',
        severityLevel: 'medium',
        meta: entityRefMeta(spec),
      },
      async addMeta => {
        if (refusal) throw refusal;
        const answer = await service.createMigration(spec, credentials);
        // An identical request answers with the run it made, which is not
        // necessarily the caller's: shown only to those who may read it.
        if (!answer.created)
          await guard.assertAllowedOnMigration(
            credentials,
            datasetMigrationReadPermission,
            answer.migration.id,
          );
        addMeta({
          entityRef: answer.migration.entityRef,
          migrationId: answer.migration.id,
          status: answer.migration.status,
          created: answer.created,
        });
        return answer;
      },
    );
    res.status(created ? 201 : 200).json({ migration });
  });

  for (const [action, decide] of [
    ['approve', service.approveMigration],
    ['reject', service.rejectMigration],
  ] as const) {
    router.post(`/migrations/:id/${action}`, async (req, res) => {
      // The run's dataset is in the event even when the decision is refused.
      const migration = await auditedChange(
        req,
        { eventId: `migration-${action}`, severityLevel: 'high' },
        async ({ credentials, id }, _run, addMeta) => {
          const decided = await decide.call(
            service,
            id,
            bodyOf(req),
            credentials,
          );
          addMeta({ status: decided.status });
          return decided;
        },
      );
      res.json({ migration } satisfies MigrationResponse);
    });
  }

  // Only the runs the caller may read, filtered in SQL.
  router.get(
    '/migrations',
    takesQuery(...Object.keys(migrationListQuerySchema.shape)),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { entityRef, limit } = parseInput(
        migrationListQuerySchema,
        req.query,
        'query',
      );
      const visibility = await guard.migrationVisibility(
        credentials,
        datasetMigrationReadPermission,
      );
      res.json({
        items: await service.listMigrations(
          entityRef,
          limit,
          visibility,
          guard.seesRowsOf(credentials),
        ),
      });
    },
  );

  /** A signed-in user (never a service: the permission client allows services everything) and the run in the path. */
  async function callerOf(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    return { credentials, id };
  }

  /** The caller, allowed to read the run named in the path. */
  async function readerOf(req: express.Request) {
    const { credentials, id } = await callerOf(req);
    await guard.assertAllowedOnMigration(
      credentials,
      datasetMigrationReadPermission,
      id,
    );
    return { credentials, id };
  }

  /**
   * Runs a change to the run named in the path as one audit event, its dataset
   * in the event; `act` checks the caller's permission before it changes anything.
   */
  async function auditedChange<T>(
    req: express.Request,
    event: { eventId: string; severityLevel: 'medium' | 'high' },
    act: (
      caller: Awaited<ReturnType<typeof callerOf>>,
      migration: Migration,
      addMeta: (meta: JsonObject) => void,
    ) => Promise<T>,
  ): Promise<T> {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // A malformed id is refused inside the event, so the refusal is recorded too.
    return guard.audited(
      req,
      { ...event, meta: { migrationId: idInPath(req) } },
      async addMeta => {
        const id = parseInput(migrationId, req.params.id, 'migration id');
        const migration = await service.findMigration(id);
        addMeta({ entityRef: migration.entityRef });
        return act({ credentials, id }, migration, addMeta);
      },
    );
  }

  /** Checks `consumer.update` on each consumer before a service changes any. */
  const consumerUpdate =
    (credentials: BackstageCredentials, addMeta: (m: JsonObject) => void) =>
    async (entityRefs: string[]) => {
      addMeta(listed('consumers', entityRefs));
      await guard.assertAllowedOnEntities(
        credentials,
        datasetMigrationConsumerUpdatePermission,
        entityRefs,
      );
    };

  router.get('/migrations/:id', takesQuery(), async (req, res) => {
    const { id, credentials } = await readerOf(req);
    res.json({
      migration: await service.getMigration(
        id,
        credentials,
        guard.seesRowsIn(credentials),
      ),
    });
  });

  router.post('/migrations/:id/cancel', async (req, res) => {
    const migration = await auditedChange(
      req,
      { eventId: 'migration-cancel', severityLevel: 'medium' },
      async ({ credentials, id }, run) => {
        await guard.assertAllowedOnMigration(
          credentials,
          datasetMigrationCancelPermission,
          id,
        );
        noBody(req, 'cancel request');
        return service.cancelMigration(
          id,
          credentials.principal.userEntityRef,
          run,
        );
      },
    );
    res.json({ migration });
  });

  router.post('/migrations/:id/retry', async (req, res) => {
    const migration = await auditedChange(
      req,
      { eventId: 'migration-retry', severityLevel: 'medium' },
      async ({ credentials, id }) => {
        await guard.assertAllowedOnMigration(
          credentials,
          datasetMigrationRetryPermission,
          id,
        );
        noBody(req, 'retry request');
        return service.retryMigration(id, credentials);
      },
    );
    res.json({ migration });
  });

  router.post('/migrations/:id/rollback', async (req, res) => {
    const { migration, finished } = await auditedChange(
      req,
      { eventId: 'migration-rollback', severityLevel: 'high' },
      async ({ credentials, id }, run, addMeta) => {
        await guard.assertAllowedOnEntity(
          credentials,
          datasetMigrationRollbackPermission,
          run.entityRef,
        );
        const answer = await service.rollbackMigration(
          id,
          credentials,
          bodyOf(req),
        );
        addMeta({ finished: answer.finished });
        return answer;
      },
    );
    // Not finished within the request's wait: a worker carries it out; the run shows how.
    res.status(finished ? 200 : 202).json({ migration });
  });

  router.post('/migrations/:id/contract', async (req, res) => {
    const { migration, finished } = await auditedChange(
      req,
      { eventId: 'migration-contract', severityLevel: 'high' },
      async ({ credentials, id }, run, addMeta) => {
        await guard.assertAllowedOnEntity(
          credentials,
          datasetMigrationContractPermission,
          run.entityRef,
        );
        const answer = await service.contractMigration(
          id,
          bodyOf(req),
          credentials,
        );
        addMeta({ finished: answer.finished });
        return answer;
      },
    );
    res.status(finished ? 200 : 202).json({ migration });
  });

  router.get(
    '/migrations/:id/consumers',
    takesQuery(...Object.keys(consumerLedgerQuerySchema.shape)),
    async (req, res) => {
      const { credentials, id } = await readerOf(req);
      res.json(
        await consumers.ledger(
          id,
          credentials,
          req.query,
          guard.seesRowsOf(credentials),
        ),
      );
    },
  );

  // Tells the portal whether to offer "Hand to coding agent"; no data behind it.
  router.get('/coding-agent', takesQuery(), async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(consumers.codingAgent());
  });

  // A consumer owner's view across runs: the runs are filtered as the run list is.
  router.get(
    '/consumers',
    takesQuery(...Object.keys(consumerMigrationsQuerySchema.shape)),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      res.json(
        await consumers.ofEntity(
          req.query,
          credentials,
          await guard.migrationVisibility(
            credentials,
            datasetMigrationReadPermission,
          ),
          guard.seesRowsOf(credentials),
        ),
      );
    },
  );

  router.get('/migrations/:id/impact.csv', takesQuery(), async (req, res) => {
    const { credentials, id } = await readerOf(req);
    const pages = consumers.impactCsv(id, credentials);
    // The first page is read before the answer starts: a refusal is still a 4xx.
    const first = await pages.next();
    res.type('text/csv').attachment(`impact-${id}.csv`);
    if (!first.done) res.write(first.value);
    try {
      // Pages are read as the client takes them; one gone away stops the reading.
      await pipeline(Readable.from(pages), res);
    } catch (error) {
      // The answer has begun: the pipeline destroyed it, so the client sees a
      // broken transfer rather than a complete-looking, cut-short report.
      if (isError(error) && error.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      // Anything else is logged by the error handler like any failed request.
      throw error;
    }
  });

  // What "Retry failed" would do for this caller, so the portal can say it first.
  router.get(
    '/migrations/:id/consumers/retryable',
    takesQuery(),
    async (req, res) => {
      const { credentials, id } = await readerOf(req);
      res.json(
        await consumers.retryable(id, refs =>
          guard.allowedEntities(
            credentials,
            datasetMigrationConsumerUpdatePermission,
            refs,
          ),
        ),
      );
    },
  );

  router.post('/migrations/:id/consumers/retry', async (req, res) => {
    res.json(
      await auditedChange(
        req,
        { eventId: 'consumer-retry', severityLevel: 'medium' },
        async ({ credentials, id }, _run, addMeta) =>
          consumers.retry(
            id,
            bodyOf(req),
            consumerUpdate(credentials, addMeta),
            async refs => {
              const allowed = await guard.allowedEntities(
                credentials,
                datasetMigrationConsumerUpdatePermission,
                refs,
              );
              addMeta({
                ...listed(
                  'consumers',
                  refs.filter(ref => allowed.has(ref)),
                ),
                ...listed(
                  'notAllowed',
                  refs.filter(ref => !allowed.has(ref)),
                ),
              });
              return allowed;
            },
          ),
      ),
    );
  });

  // A consumer's pull request, read from its source control, for the portal to show.
  router.get(
    '/migrations/:id/consumers/:kind/:namespace/:name/pull-request',
    takesQuery(),
    async (req, res) => {
      const { credentials, id } = await readerOf(req);
      res.json({
        pullRequest: await pullRequests.describe(
          id,
          entityRefInPath(req, 'consumer'),
          credentials,
        ),
      });
    },
  );

  // Demo affordance: merges a local git pull request; others are merged where they live.
  router.post(
    '/migrations/:id/consumers/:kind/:namespace/:name/pull-request/merge',
    async (req, res) => {
      const pullRequest = await auditedChange(
        req,
        { eventId: 'pull-request-merge', severityLevel: 'medium' },
        async ({ credentials, id }, _run, addMeta) => {
          noBody(req, 'merge request');
          return pullRequests.merge(
            id,
            entityRefInPath(req, 'consumer'),
            consumerUpdate(credentials, addMeta),
          );
        },
      );
      res.json({ pullRequest });
    },
  );

  router.post('/migrations/:id/consumers/decisions', async (req, res) => {
    res.json(
      await auditedChange(
        req,
        { eventId: 'consumer-decision', severityLevel: 'medium' },
        async ({ credentials, id }, _run, addMeta) =>
          consumers.decide(
            id,
            bodyOf(req),
            credentials,
            consumerUpdate(credentials, addMeta),
            guard.seesRowsOf(credentials),
          ),
      ),
    );
  });

  /**
   * Answers with `work`, which runs on the preview workers: aborted when the
   * client goes away (a preview still queued leaves the queue), a busy pool
   * answered 503 with `Retry-After`.
   */
  async function offThread(
    res: express.Response,
    work: (signal: AbortSignal) => Promise<unknown>,
  ) {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    try {
      res.json(await work(gone.signal));
    } catch (error) {
      if (error instanceof RewritesBusyError)
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  router.post('/rewrite-preview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await offThread(res, signal =>
      consumers.rewritePreview(bodyOf(req), credentials, signal),
    );
  });

  router.post('/impact', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await offThread(res, signal =>
      consumers.impactPreview(specOf(req), credentials, signal),
    );
  });

  // Read by the catalog module to write migrated versions back onto entities.
  router.get(
    '/schema-versions',
    takesQuery(...Object.keys(entityRefQuery.shape)),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const { entityRef } = parseInput(entityRefQuery, req.query, 'query');
      const migrated = await service.getMigratedState(entityRef, credentials);
      res.json({
        entityRef,
        schemaVersion: migrated.schemaVersion ?? null,
        table: migrated.table ?? null,
      } satisfies SchemaVersionResponse);
    },
  );

  return router;
}
