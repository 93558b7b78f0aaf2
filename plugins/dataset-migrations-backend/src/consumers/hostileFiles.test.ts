import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { FIELDS, HOSTILE_SHAPES } from '../__testUtils__/hostileShapes';
import { loadSqlParser } from '../sql/sqlParser';
import { assessConsumer } from './impact';
import { datasetTarget } from './sql/datasetTarget';
import { consumerMapping } from './sql/fieldMapping';

/** What a person is told of a repository: its status, fields, and each file's. */
function outcome(files: ChangedFile[], changes: object[]) {
  const target = { ...datasetTarget('public.orders', FIELDS), key: ['id'] };
  const { impact } = assessConsumer(
    files,
    target,
    consumerMapping(FIELDS, changes as Parameters<typeof consumerMapping>[1]),
  );
  return {
    status: impact.status,
    fields: impact.fields,
    files: impact.files.map(f => `${f.path}: ${f.status}`),
  };
}

/**
 * Files that once made a rule backtrack with the square of their length (how
 * fast they are read now is `yarn bench:hostile`'s): a long run of blanks or
 * line breaks, or a unit repeated, changes nothing of what is read in them.
 */
describe('crafted files read as their short forms are', () => {
  beforeAll(() => loadSqlParser());

  it.each(
    HOSTILE_SHAPES.map(([name, , changes, make]) => [name, changes, make]),
  )('%s', (_name, changes, make) => {
    const short = outcome(make(16), changes);
    expect(outcome(make(16 * 1024), changes)).toEqual(short);
    // Not vacuous: each names the table and is read for it.
    expect(short.files.length).toBeGreaterThan(0);
  });
});
