import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import {
  resolvePackagePath,
  type HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  SPEC_JSON_SCHEMA_PATH,
  type SchemaVersionResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ConsumerService } from '../services/ConsumerService';
import type { ConsumerPullRequests } from '../services/ConsumerPullRequests';
import { parseInput } from '../validation/parseInput';
import type { MigrationService } from '../services/MigrationService';

const listQuery = z.object({
  entityRef: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const entityRefQuery = z.object({
  entityRef: z.string().min(1, 'is required'),
});
const migrationId = z.string().uuid('must be a migration id');

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

const specJsonSchemaFile = resolvePackagePath(
  '@dataset-migrations/plugin-dataset-migrations-common',
  SPEC_JSON_SCHEMA_PATH,
);

/** A migration spec arrives as JSON or, with a YAML content type, as YAML text. */
function specOf(req: express.Request): unknown {
  if (typeof req.body !== 'string') return req.body;
  try {
    return parseYaml(req.body);
  } catch (error) {
    throw new InputError(
      `Invalid migration spec: not valid YAML: ${(error as Error).message}`,
    );
  }
}

export function createRouter(options: {
  service: MigrationService;
  consumers: ConsumerService;
  pullRequests: ConsumerPullRequests;
  httpAuth: HttpAuthService;
}): express.Router {
  const { service, consumers, pullRequests, httpAuth } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(express.text({ type: YAML_TYPES, limit: '1mb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/spec/v1/schema.json', (_req, res) => {
    res.sendFile(specJsonSchemaFile);
  });

  router.get('/datasets', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await service.listDatasets(credentials) });
  });

  router.get('/datasets/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { kind, namespace, name } = req.params;
    res.json(
      await service.getDataset(`${kind}:${namespace}/${name}`, credentials),
    );
  });

  router.post('/plans/infer', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await service.inferSpec(specOf(req), credentials));
  });

  router.post('/plans', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ plan: await service.planMigration(specOf(req), credentials) });
  });

  router.post('/migrations', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { migration, created } = await service.createMigration(
      specOf(req),
      credentials,
    );
    res.status(created ? 201 : 200).json({ migration });
  });

  router.get('/migrations', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { entityRef, limit } = parseInput(listQuery, req.query, 'query');
    res.json({ items: await service.listMigrations(entityRef, limit) });
  });

  router.get('/migrations/:id', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    res.json({ migration: await service.getMigration(id) });
  });

  router.post('/migrations/:id/cancel', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    res.json({
      migration: await service.cancelMigration(
        id,
        credentials.principal.userEntityRef,
      ),
    });
  });

  router.post('/migrations/:id/retry', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    res.json({ migration: await service.retryMigration(id) });
  });

  router.post('/migrations/:id/rollback', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    const { migration, finished } = await service.rollbackMigration(
      id,
      credentials,
      req.body,
    );
    // Not finished within the request's wait: a worker carries it out; the run shows how.
    res.status(finished ? 200 : 202).json({ migration });
  });

  router.post('/migrations/:id/contract', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    const { migration, finished } = await service.contractMigration(
      id,
      req.body,
      credentials,
    );
    res.status(finished ? 200 : 202).json({ migration });
  });

  router.get('/migrations/:id/consumers', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    res.json(await consumers.ledger(id));
  });

  router.get('/migrations/:id/impact.csv', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    const csv = await consumers.impactCsv(id);
    res.type('text/csv').attachment(`impact-${id}.csv`).send(csv);
  });

  router.post('/migrations/:id/consumers/retry', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    res.json(await consumers.retry(id, req.body ?? {}));
  });

  // A consumer's pull request, read from its source control, for the portal to show.
  router.get(
    '/migrations/:id/consumers/:kind/:namespace/:name/pull-request',
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const id = parseInput(migrationId, req.params.id, 'migration id');
      const { kind, namespace, name } = req.params;
      res.json({
        pullRequest: await pullRequests.describe(
          id,
          `${kind}:${namespace}/${name}`,
        ),
      });
    },
  );

  // Demo affordance: merges a local git pull request; others are merged where they live.
  router.post(
    '/migrations/:id/consumers/:kind/:namespace/:name/pull-request/merge',
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user'] });
      const id = parseInput(migrationId, req.params.id, 'migration id');
      const { kind, namespace, name } = req.params;
      res.json({
        pullRequest: await pullRequests.merge(
          id,
          `${kind}:${namespace}/${name}`,
        ),
      });
    },
  );

  router.post('/migrations/:id/consumers/decisions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const id = parseInput(migrationId, req.params.id, 'migration id');
    res.json(await consumers.decide(id, req.body ?? {}, credentials));
  });

  router.post('/rewrite-preview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await consumers.rewritePreview(req.body, credentials));
  });

  router.post('/impact', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await consumers.impactPreview(specOf(req), credentials));
  });

  // Read by the catalog module to write migrated versions back onto entities.
  router.get('/schema-versions', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const { entityRef } = parseInput(entityRefQuery, req.query, 'query');
    const migrated = await service.getMigratedState(entityRef);
    res.json({
      entityRef,
      schemaVersion: migrated.schemaVersion ?? null,
      table: migrated.table ?? null,
    } satisfies SchemaVersionResponse);
  });

  return router;
}
