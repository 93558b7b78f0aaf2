import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type AuthService,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * Reads the schema version the dataset-migrations plugin recorded for a dataset.
 * The catalog module uses it to write migrated versions back onto entities.
 */
export interface DatasetSchemaVersionService {
  /** The migrated version, or undefined when the dataset was never migrated. */
  getSchemaVersion(entityRef: string): Promise<number | undefined>;
}

class HttpDatasetSchemaVersionService implements DatasetSchemaVersionService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  async getSchemaVersion(entityRef: string): Promise<number | undefined> {
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
    const body = (await response.json()) as { schemaVersion: number | null };
    return body.schemaVersion ?? undefined;
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
