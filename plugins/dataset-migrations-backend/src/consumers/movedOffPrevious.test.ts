import { createTwoFilesPatch } from 'diff';
import { loadSqlParser } from '../sql/sqlParser';
import { movedOffPrevious } from './movedOffPrevious';
import { unifiedDiff } from './unifiedDiff';
import { datasetTarget } from './sql/datasetTarget';
import { consumerMapping } from './sql/fieldMapping';

const FIELDS = [
  { name: 'user_id', type: 'text' },
  { name: 'track_id', type: 'text' },
  { name: 'ms_played', type: 'integer' },
  { name: 'legacy_flag', type: 'boolean' },
] as const;
const target = datasetTarget('public.listening_events', [...FIELDS]);
const mapping = consumerMapping(
  FIELDS.map(f => ({ ...f, nullable: true, primaryKey: f.name === 'user_id' })),
  [
    { renameField: { from: 'track_id', to: 'track_uri' } },
    { dropField: { name: 'legacy_flag' } },
  ],
);

const BEFORE = `-- plays per track
SELECT e.track_id, sum(e.ms_played) AS total_ms
FROM public.listening_events e
GROUP BY e.track_id;
`;
const PATCHED = `-- plays per track
SELECT e.track_uri AS track_id, sum(e.ms_played) AS total_ms
FROM public.listening_events e
GROUP BY e.track_uri;
`;
const patch = {
  files: [{ path: 'sql/report.sql', content: PATCHED }],
  diff: createTwoFilesPatch(
    'a/sql/report.sql',
    'b/sql/report.sql',
    BEFORE,
    PATCHED,
    '',
    '',
    { context: 3 },
  ),
};
const onDefault = (content: string, ...more: Array<[string, string]>) => [
  { path: 'sql/report.sql', content },
  ...more.map(([path, c]) => ({ path, content: c })),
];

describe('movedOffPrevious', () => {
  beforeAll(() => loadSqlParser());

  it('holds when the branch has the patched file as proposed', async () => {
    expect(
      await movedOffPrevious(onDefault(PATCHED), patch, target, mapping),
    ).toBe(true);
  });

  it('holds when the owner edited around the patched lines after merging', async () => {
    const edited = `-- plays per track, owned by the charts team\n${PATCHED.replace(
      '-- plays per track\n',
      '',
    )}-- reviewed\n`;
    expect(
      await movedOffPrevious(onDefault(edited), patch, target, mapping),
    ).toBe(true);
  });

  it('does not hold when a patched line was reverted', async () => {
    const reverted = PATCHED.replace(
      'GROUP BY e.track_uri',
      'GROUP BY e.track_id',
    );
    expect(
      await movedOffPrevious(
        onDefault(`-- note\n${reverted}`),
        patch,
        target,
        mapping,
      ),
    ).toBe(false);
  });

  it('does not hold while another file on the branch still reads a renamed or dropped field, or reads the dataset in a way nobody can follow', async () => {
    // With the patched file as proposed, and with it edited since.
    for (const patched of [PATCHED, `-- note\n${PATCHED}`]) {
      for (const read of [
        'select track_id from listening_events;\n',
        'select legacy_flag from listening_events;\n',
        'select track_id, n from listening_events natural join plays;\n',
        'select e from listening_events e;\n',
        'select user_id from listening_events where user_id in (select user_id from plays where track_id = 1);\n',
      ]) {
        expect(
          await movedOffPrevious(
            onDefault(patched, ['sql/late.sql', read]),
            patch,
            target,
            mapping,
          ),
        ).toBe(false);
      }
    }
    const edited = `-- note\n${PATCHED}`;
    // A file reading only what the new version keeps is no obstacle.
    expect(
      await movedOffPrevious(
        onDefault(edited, [
          'sql/users.sql',
          'select user_id from listening_events;\n',
        ]),
        patch,
        target,
        mapping,
      ),
    ).toBe(true);
  });

  it('does not hold when the patched file is gone or the patch is unknown', async () => {
    expect(await movedOffPrevious([], patch, target, mapping)).toBe(false);
    expect(
      await movedOffPrevious(
        onDefault(`-- note\n${PATCHED}`),
        { files: patch.files },
        target,
        mapping,
      ),
    ).toBe(false);
  });

  it('holds a large rewrite, diffed past the search bound, when the owner edits a line it did not write', async () => {
    // 700 statements, two lines of each rewritten: 1,400 changed lines, past
    // unifiedDiff's bound.
    const statements = (select: string, group: string) =>
      Array.from(
        { length: 700 },
        (_, i) =>
          `SELECT ${select}, ${i} AS n\nFROM public.listening_events e\nGROUP BY ${group};\n`,
      ).join('');
    const before = statements('e.track_id', 'e.track_id');
    const patched = statements('e.track_uri AS track_id', 'e.track_uri');
    const large = {
      files: [{ path: 'sql/report.sql', content: patched }],
      diff: unifiedDiff('sql/report.sql', before, patched),
    };
    // Line 701 is a FROM line the rewrite left as it was.
    const lines = patched.split('\n');
    lines[700] = `${lines[700]} -- the owner's note`;
    expect(
      await movedOffPrevious(
        onDefault(lines.join('\n')),
        large,
        target,
        mapping,
      ),
    ).toBe(true);
    // A line it wrote, edited back to the old name, does not hold.
    lines[702] = lines[702].replace('e.track_uri AS track_id', 'e.track_id');
    expect(
      await movedOffPrevious(
        onDefault(lines.join('\n')),
        large,
        target,
        mapping,
      ),
    ).toBe(false);
  });
});
