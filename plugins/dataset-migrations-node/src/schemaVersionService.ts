import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type AuthService,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { SchemaVersionResponse } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * What migrations made of a dataset: its schema version and where it is read.
 *
 * @public
 */
export interface MigratedDataset {
  schemaVersion: number;
  /** Set when a migration renamed or relocated the dataset. */
  table?: string;
}

/**
 * Reads what the dataset-migrations plugin recorded for a dataset. The catalog
 * module uses it to write migrated versions and tables back onto entities.
 *
 * @public
 */
export interface DatasetSchemaVersionService {
  /** Undefined when the dataset was never migrated. */
  getMigratedDataset(entityRef: string): Promise<MigratedDataset | undefined>;
}

class HttpDatasetSchemaVersionService implements DatasetSchemaVersionService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  async getMigratedDataset(
    entityRef: string,
  ): Promise<MigratedDataset | undefined> {
    const baseUrl = await this.discovery.getBaseUrl('dataset-migrations');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'dataset-migrations',
    });
    const response = await fetch(
      `${baseUrl}/schema-versions?entityRef=${encodeURIComponent(entityRef)}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as SchemaVersionResponse;
    if (body.schemaVersion === null) return undefined;
    return {
      schemaVersion: body.schemaVersion,
      ...(body.table ? { table: body.table } : {}),
    };
  }
}

/** @public */
export const datasetSchemaVersionServiceRef =
  createServiceRef<DatasetSchemaVersionService>({
    id: 'dataset-migrations.schema-versions',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          discovery: coreServices.discovery,
          auth: coreServices.auth,
        },
        factory: ({ discovery, auth }) =>
          new HttpDatasetSchemaVersionService(discovery, auth),
      }),
  });
