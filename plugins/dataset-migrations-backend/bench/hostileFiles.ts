/**
 * `yarn bench:hostile [--bytes N]`: how the consumer agent's reading of one
 * repository grows with a crafted file's size. Each shape is a file that once
 * made one of the rules' regular expressions backtrack with the square of its
 * length (round 38's triage: a keyword, then a long run of blanks or line
 * breaks). Each is assessed at N and 2N bytes (default 32 KiB): growth ×2 is
 * linear, ×4 quadratic. The baseline is a plain SQL file of 2N bytes naming
 * the table on every line, assessed in the same run. What a shape still slow
 * costs in production is bounded by `consumers.assessment.timeout`; this shows
 * which are.
 */
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  DROP_DISCOUNT,
  FIELDS,
  HOSTILE_SHAPES as SHAPES,
  file,
  times,
} from '../src/__testUtils__/hostileShapes';
import { assessConsumer } from '../src/consumers/impact';
import { datasetTarget } from '../src/consumers/sql/datasetTarget';
import { consumerMapping } from '../src/consumers/sql/fieldMapping';
import { loadSqlParser } from '../src/sql/sqlParser';

function assessMs(files: ChangedFile[], changes: object[]): number {
  const target = { ...datasetTarget('public.orders', FIELDS), key: ['id'] };
  const mapping = consumerMapping(
    FIELDS,
    changes as Parameters<typeof consumerMapping>[1],
  );
  const started = performance.now();
  assessConsumer(files, target, mapping);
  return performance.now() - started;
}

async function main() {
  const at = process.argv.indexOf('--bytes');
  const bytes = at > 0 ? Number(process.argv[at + 1]) : 32 * 1024;
  if (!Number.isInteger(bytes) || bytes < 1024)
    throw new Error(
      `--bytes must be an integer of at least 1024, got ${
        process.argv[at + 1]
      }`,
    );
  await loadSqlParser();
  // Warm the rules' caches and the parser on a small file first.
  assessMs(file('warm.sql', 'select discount from orders;\n'), DROP_DISCOUNT);
  const baseline = assessMs(
    file(
      'q/report.sql',
      times(
        'select id, discount, status from orders where amount > 1;\n',
        2 * bytes,
      ),
    ),
    DROP_DISCOUNT,
  );
  console.log(
    `bench:hostile — ${SHAPES.length} crafted files at ${bytes} and ${
      2 * bytes
    } bytes; baseline: ${(2 * bytes).toLocaleString(
      'en',
    )} bytes of plain SQL naming the table on every line, ${baseline.toFixed(
      0,
    )} ms`,
  );
  console.log('');
  console.log(
    `| file | rule once slow | ${bytes} B | ${
      2 * bytes
    } B | growth | ÷ baseline |`,
  );
  console.log('|---|---|---|---|---|---|');
  let quadratic = 0;
  for (const [name, rule, changes, make] of SHAPES) {
    const small = assessMs(make(bytes), changes);
    const large = assessMs(make(2 * bytes), changes);
    const growth = large / Math.max(small, 0.5);
    // Below a few milliseconds the growth is noise.
    const slow = large > 50 && growth > 3;
    if (slow) quadratic++;
    console.log(
      `| ${name} | ${rule} | ${small.toFixed(0)} ms | ${large.toFixed(
        0,
      )} ms | ×${growth.toFixed(1)}${slow ? ' (quadratic)' : ''} | ${(
        large / baseline
      ).toFixed(2)}× |`,
    );
  }
  console.log('');
  console.log(`still quadratic: ${quadratic} of ${SHAPES.length}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
