/** What migrations made of a dataset. */
export interface DatasetState {
  schemaVersion: number;
  /** The table readers use, when a migration recorded it. */
  table?: string;
}

/**
 * The dataset-version registry: the schema version (and table) each dataset is on,
 * as its migrations' outcomes left it.
 */
export interface DatasetVersionStore {
  getSchemaVersion(entityRef: string): Promise<number | undefined>;
  /** The version and table migrations left the dataset at; undefined if never migrated. */
  getDatasetState(entityRef: string): Promise<DatasetState | undefined>;
  getSchemaVersions(entityRefs: string[]): Promise<Map<string, number>>;
}
