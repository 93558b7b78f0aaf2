import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { assessConsumer, rewriteConsumerFiles } from '../impact';
import { loadSqlParser } from '../../sql/sqlParser';
import {
  renamedRelation,
  renamedTarget,
  type DatasetTarget,
} from './datasetTarget';
import { dbtProjectOf } from './dbtProject';
import { consumerMapping } from './fieldMapping';
import { analyzeFile, rewriteSqlFile } from './rewriteSql';

const source: DatasetField[] = [
  { name: 'event_id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'track_id', type: 'text', nullable: false, primaryKey: false },
  { name: 'ms_played', type: 'integer', nullable: false, primaryKey: false },
];
const target: DatasetTarget = {
  schema: 'public',
  table: 'listening_events',
  fields: source.map(f => f.name),
};
const renamed = (
  to: string,
  changes: Parameters<typeof consumerMapping>[1] = [],
) => consumerMapping(source, changes, renamedRelation(target, to));
const toPlays = renamed('plays');
const toAnalytics = renamed('analytics.plays');
const rewrite = (content: string, mapping = toPlays, path = 'q.sql') =>
  rewriteSqlFile({ path, content }, target, mapping);

beforeAll(() => loadSqlParser());

describe('rewriting consumers of a renamed dataset', () => {
  it('renames plain and schema-qualified references, keeping their form and the comments', () => {
    const sql = [
      '-- plays per track',
      'select e.track_id, count(*) -- keep',
      'from public.listening_events e',
      'group by 1;',
      'select count(*) from listening_events where ms_played > 0;',
    ].join('\n');
    const result = rewrite(sql);
    expect(result.status).toBe('rewritten');
    expect(result.content).toBe(
      sql
        .replace('from public.listening_events e', 'from public.plays e')
        .replace('from listening_events where', 'from plays where'),
    );
    expect(result.impact.lines).toEqual([3, 5]);
    // It reads the new name and parses as the new dataset.
    const after = analyzeFile(
      result.content,
      renamedTarget(target, toPlays.renamedTo!),
    );
    expect(after.map(s => s.datasetRelations.length)).toEqual([1, 1]);
  });

  it('qualifies a bare name moving to another schema, and keeps quoting as written', () => {
    expect(rewrite('select * from listening_events', toAnalytics).content).toBe(
      'select * from analytics.plays',
    );
    expect(
      rewrite(
        'select "track_id" from "public"."listening_events" as e',
        toAnalytics,
      ).content,
    ).toBe('select "track_id" from "analytics"."plays" as e');
    expect(rewrite('select 1 from "listening_events" x').content).toBe(
      'select 1 from "plays" x',
    );
  });

  it('keeps the old name as the alias where it qualifies columns', () => {
    expect(
      rewrite(
        'select listening_events.track_id from listening_events where listening_events.ms_played > 0',
      ).content,
    ).toBe(
      'select listening_events.track_id from plays AS listening_events where listening_events.ms_played > 0',
    );
  });

  it('renames the dataset in a join with another table, with field changes too', () => {
    const mapping = renamed('analytics.plays', [
      { renameField: { from: 'track_id', to: 'track_uri' } },
    ]);
    const result = rewrite(
      'select t.title, count(*)\nfrom tracks t\njoin listening_events e on e.track_id = t.track_id\ngroup by t.title',
      mapping,
    );
    expect(result.content).toBe(
      'select t.title, count(*)\nfrom tracks t\njoin analytics.plays e on e.track_uri = t.track_id\ngroup by t.title',
    );
    expect(result.impact).toMatchObject({
      status: 'rewritten',
      fields: ['track_id'],
      lines: [3],
    });
  });

  it('sends writers to a person before the data moves, and leaves a CTE of the same name alone', () => {
    // Round 33: from the cut-over the old name refuses writes (the engine's
    // refuseWritesSql), before a rewrite to the new name can be merged.
    for (const sql of [
      'insert into listening_events (event_id) values (1)',
      "update public.listening_events set track_id = 'x' where event_id = 1",
      'delete from listening_events using u as plays where plays.id = track_id',
      'merge into listening_events e using u on u.id = e.event_id when matched then delete',
      "copy listening_events from '/tmp/plays.csv'",
      'with n as (select 1 as id) insert into listening_events (event_id) select id from n',
    ]) {
      const result = rewrite(sql);
      expect({ sql, status: result.status }).toEqual({
        sql,
        status: 'needs-decision',
      });
      expect(result.impact.needsTable).toBe(true);
      expect(result.impact.problem?.message).toContain('refuses writes');
    }
    // Reads of it beside a write elsewhere are rewritten.
    expect(
      rewrite('insert into totals (n) select count(*) from listening_events')
        .content,
    ).toBe('insert into totals (n) select count(*) from plays');
    const cte =
      'with listening_events as (select 1 as x) select x from listening_events';
    expect(rewrite(cte).status).toBe('unaffected');
    // A CTE named like the new name would take a bare reference: it is
    // qualified, and keeps the old name, the statement saying the new one.
    expect(
      rewrite(
        'with plays as (select track_id from listening_events) select count(*) from plays',
      ).content,
    ).toBe(
      'with plays as (select track_id from public.plays AS listening_events) select count(*) from plays',
    );
  });

  it('asks a person when the file gives the new name to a relation or a type by other statements, or after the read (found by adversarial16)', () => {
    // Seventeenth adversarial round: each was rewritten to `from plays`, which read
    // the file's relation, or failed where the file made it (the new table and
    // its row type have that name already).
    for (const sql of [
      'create temp table x as select 1 as z; alter table x rename to plays; select count(*) from listening_events',
      'create temp view x as select 1 as z; alter view x rename to plays; select count(*) from listening_events',
      'create temp sequence s; alter sequence s rename to plays; select count(*) from listening_events',
      'create temp sequence plays; select count(*) from listening_events',
      'create type plays as (a integer); select count(*) from listening_events',
      "create type plays as enum ('a'); select count(*) from listening_events",
      'create domain plays as integer; select count(*) from listening_events',
      'create index plays on other (z); select count(*) from listening_events',
      'create foreign table plays (z integer) server files; select count(*) from listening_events',
      'select count(*) from listening_events; create table plays (z integer)',
      'select count(*) from listening_events; alter table other rename to plays',
    ]) {
      const result = rewrite(sql);
      expect({ sql, status: result.status }).toEqual({
        sql,
        status: 'needs-decision',
      });
      expect(result.impact.problem?.message).toMatch(
        /the file creates a relation named plays/,
      );
    }
    // A column renamed to that name, or a relation renamed to another, takes no relation's name.
    for (const sql of [
      'alter table other rename column z to plays; select count(*) from listening_events',
      'alter table other rename to others; select count(*) from listening_events',
    ])
      expect(rewrite(sql).content).toBe(
        sql.replace('from listening_events', 'from plays'),
      );
  });

  it('asks a person when the file creates a relation under the new name, which a bare read would take', () => {
    // Sixth adversarial round: was rewritten to `from plays`, which read the
    // temporary table the file had made (1 row where the dataset had 3).
    for (const sql of [
      'create temp table plays as select 1 as z; select count(*) from listening_events',
      'create view plays as select 1 as z; select count(*) from listening_events',
    ]) {
      const result = rewrite(sql);
      expect(result.status).toBe('needs-decision');
      expect(result.impact.problem?.message).toMatch(
        /the file creates a relation named plays/,
      );
    }
    expect(
      rewrite(
        'create temp table other as select 1 as z; select count(*) from listening_events',
      ).content,
    ).toBe(
      'create temp table other as select 1 as z; select count(*) from plays',
    );
  });

  it('keeps the old name as an alias where the new one is another relation’s alias, or the old one is the whole row', () => {
    // Unaliased, the renamed table would take `w.id` from the outer `u w`.
    expect(
      rewrite(
        'select w.id from u w where exists (select 1 from listening_events where track_id = w.id)',
        renamed('w'),
      ).content,
    ).toBe(
      'select w.id from u w where exists (select 1 from w AS listening_events where track_id = w.id)',
    );
    // The table's name stands for its row.
    expect(
      rewrite(
        'select md5(listening_events::text) from listening_events',
        renamed('w'),
      ).content,
    ).toBe('select md5(listening_events::text) from w AS listening_events');
  });

  it('keeps the old name as the alias wherever the statement says the new one, in any form (found by round 30)', () => {
    const aliased = (sql: string) =>
      sql.replace(
        /from listening_events(?![\w.])/,
        'from plays AS listening_events',
      );
    for (const sql of [
      // Beside the new name as another relation's alias, in one FROM list.
      'select track_id from listening_events join u plays using (track_id)',
      'select 1 from listening_events, other.plays',
      // An outer relation of the new name, which the renamed table would hide.
      'select (select row_to_json(plays)::text from listening_events where event_id = 1) from u plays',
      'select (select count(*) from listening_events where track_id = (plays).track_id) from u plays',
      'select (select count(*) from listening_events where track_id = track_id(plays)) from u plays',
      'select (select count(*) from listening_events where track_id = plays/**/.track_id) from u plays',
      'select (select 1 from listening_events where to_jsonb(plays) is not null limit 1) from u plays',
    ])
      expect(rewrite(sql, renamed('plays')).content).toBe(aliased(sql));
    // A CTE of the new name: qualified, and still aliased where it is said.
    expect(
      rewrite(
        'with plays as (select 1 as track_id) select (select count(*) from listening_events where track_id = (plays).track_id) from plays',
        renamed('plays'),
      ).content,
    ).toBe(
      'with plays as (select 1 as track_id) select (select count(*) from public.plays AS listening_events where track_id = (plays).track_id) from plays',
    );
    // A comment ending in "table" before it is no TABLE (found by round 30b).
    expect(
      rewrite(
        'select plays.id, (select count(*) from -- raw table\n  listening_events where track_id = plays.track_id) from u plays',
        renamed('plays'),
      ).content,
    ).toBe(
      'select plays.id, (select count(*) from -- raw table\n  plays AS listening_events where track_id = plays.track_id) from u plays',
    );
    // The old name said Unicode-escaped, which no search for it finds.
    expect(
      rewrite(
        'select U&"listening\\005Fevents".track_id from listening_events',
        renamed('plays'),
      ).content,
    ).toBe(
      'select U&"listening\\005Fevents".track_id from plays AS listening_events',
    );
    // `TABLE t` takes no alias: where nothing else says either name it is
    // renamed; where its ORDER BY may, a person rewrites it.
    expect(
      rewrite('select x from (table listening_events) t', renamed('plays'))
        .content,
    ).toBe('select x from (table plays) t');
    for (const sql of [
      'table listening_events order by listening_events.event_id',
      'select (select s.event_id from (table listening_events order by listening_events.ms_played desc limit 1) s) from (select 0 as ms_played) listening_events',
      'table listening_events for update of listening_events',
      'select plays from (table listening_events) t',
    ]) {
      const result = rewrite(sql, renamed('plays'));
      expect({ sql, status: result.status }).toEqual({
        sql,
        status: 'needs-decision',
      });
      expect(result.impact.problem?.message).toContain(
        'TABLE listening_events takes no alias',
      );
    }
  });

  it('keeps the old name as the alias of a dbt source the statement says it or the new name of', () => {
    const sources = `version: 2
sources:
  - name: warehouse
    schema: public
    tables:
      - name: listening_events
`;
    const models = [
      "select listening_events.track_id from {{ source('warehouse', 'listening_events') }}",
      "select to_jsonb(listening_events) as j from {{ source('warehouse', 'listening_events') }}",
      "select track_id from {{ source('warehouse', 'listening_events') }} join {{ ref('customers') }} plays using (track_id)",
      "select U&\"listening\\005Fevents\".track_id from {{ source('warehouse', 'listening_events') }}",
    ];
    for (const model of models) {
      const [result] = rewriteConsumerFiles(
        [
          { path: 'models/m.sql', content: model },
          { path: 'models/sources.yml', content: sources },
        ],
        target,
        toPlays,
      );
      expect(result.status).toBe('rewritten');
      expect(result.content).toBe(
        model.replace(
          "{{ source('warehouse', 'listening_events') }}",
          "{{ source('warehouse', 'listening_events') }} AS listening_events",
        ),
      );
    }
  });

  it('points a dbt source at the new table through its sources file, models unchanged', () => {
    const model = `{{ config(materialized='view') }}
select track_id from {{ source('warehouse', 'listening_events') }}
`;
    const sources = `version: 2
sources:
  - name: warehouse
    schema: public
    tables:
      - name: listening_events # the raw plays
        description: one row per play
      - name: tracks
`;
    const results = rewriteConsumerFiles(
      [
        { path: 'models/plays.sql', content: model },
        { path: 'models/sources.yml', content: sources },
      ],
      target,
      toPlays,
    );
    expect(results.map(r => r.status)).toEqual(['unaffected', 'rewritten']);
    expect(results[0].content).toBe(model);
    expect(results[1].content).toBe(
      sources.replace(
        '      - name: listening_events # the raw plays\n',
        '      - name: listening_events # the raw plays\n        identifier: plays\n',
      ),
    );
    expect(results[1].impact.lines).toEqual([6]);
    // The consumer is affected: it reads the dataset under a name that moves.
    const { impact } = assessConsumer(
      [
        { path: 'models/plays.sql', content: model },
        { path: 'models/sources.yml', content: sources },
      ],
      target,
      toPlays,
    );
    expect(impact.status).toBe('affected');
  });

  it("leaves an installed package's model that reads the dataset through source() to a person, naming the package", () => {
    const files = [
      { path: 'dbt_project.yml', content: 'name: shop\n' },
      {
        path: 'dbt_packages/plays_pkg/dbt_project.yml',
        content: "name: 'plays_pkg'\n",
      },
      {
        path: 'dbt_packages/plays_pkg/models/top.sql',
        content: "select track_id from {{ source('w', 'listening_events') }}",
      },
    ];
    const results = rewriteConsumerFiles(
      files,
      { ...target, dbt: dbtProjectOf(files) },
      toPlays,
    );
    const model = results[2];
    expect(model.status).toBe('needs-decision');
    // Not the coding agent's to patch: `dbt deps` replaces the file.
    expect(model.impact.dbtPackage).toBe('plays_pkg');
    expect(model.impact.problem?.message).toMatch(
      /belongs to the dbt package plays_pkg.*no sources file here declares it/,
    );
    expect(model.content).toBe(files[2].content);
  });

  it('rewrites an existing identifier, and asks a person when dbt cannot say it', () => {
    const sources = `sources:
  - name: raw
    schema: public
    tables:
      - name: events
        identifier: "listening_events"
`;
    const [result] = rewriteConsumerFiles(
      [{ path: 'sources.yml', content: sources }],
      target,
      toPlays,
    );
    expect(result.content).toBe(
      sources.replace('"listening_events"', '"plays"'),
    );
    // A source sets one schema for all its tables: a move to another schema is a decision.
    const [moved] = rewriteConsumerFiles(
      [{ path: 'sources.yml', content: sources }],
      target,
      toAnalytics,
    );
    expect(moved.status).toBe('needs-decision');
    expect(moved.impact.problem?.message).toMatch(/schema per source/);
    // A model reading the dataset through source() with no sources file to point.
    const [alone] = rewriteConsumerFiles(
      [
        {
          path: 'm.sql',
          content: "select 1 from {{ source('w', 'listening_events') }}",
        },
      ],
      target,
      toPlays,
    );
    expect(alone.status).toBe('needs-decision');
    expect(alone.impact.problem?.message).toMatch(
      /no sources file here declares it/,
    );
    // ref() names a model, which the migration does not rename.
    expect(rewrite("select 1 from {{ ref('listening_events') }}").status).toBe(
      'needs-decision',
    );
  });

  it('leaves a source of another schema alone: by default a source’s schema is its name (found by the twenty-fourth round)', () => {
    // `- name: raw` without `schema:` is dbt's `raw.listening_events`, not the
    // dataset in public: pointing it at `plays` made its models read a table
    // that does not exist.
    const files = [
      { path: 'dbt_project.yml', content: 'name: shop\n' },
      {
        path: 'models/sources.yml',
        content: `sources:
  - name: raw
    tables:
      - name: listening_events
`,
      },
      {
        path: 'models/plays.sql',
        content: "select track_id from {{ source('raw', 'listening_events') }}",
      },
    ];
    const results = rewriteConsumerFiles(
      files,
      { ...target, dbt: dbtProjectOf(files) },
      toPlays,
    );
    expect(results.map(r => [r.path, r.status])).toEqual([
      ['dbt_project.yml', 'unaffected'],
      ['models/sources.yml', 'unparseable'],
      ['models/plays.sql', 'unaffected'],
    ]);
    expect(results[1].content).toBe(files[1].content);
    // A source named like the dataset's schema is the dataset, schema or not.
    const [named] = rewriteConsumerFiles(
      [
        {
          path: 'sources.yml',
          content:
            'sources:\n  - name: public\n    tables:\n      - name: listening_events\n',
        },
      ],
      target,
      toPlays,
    );
    expect(named.status).toBe('rewritten');
    expect(named.content).toContain('identifier: plays');
  });

  it('never calls a file that names the renamed dataset unaffected', () => {
    const { impact } = assessConsumer(
      [
        { path: 'q.sql', content: 'select count(*) from listening_events' },
        { path: 'job.py', content: 'TABLE = "listening_events"' },
      ],
      target,
      toPlays,
    );
    expect(impact.status).toBe('unparseable');
    expect(impact.files.map(f => f.status)).toEqual([
      'rewritten',
      'unparseable',
    ]);
    expect(impact.files[1].problem?.message).toMatch(
      /renames to public\.plays/,
    );
    // Without the rename, the same consumer is unaffected.
    expect(
      assessConsumer(
        [{ path: 'q.sql', content: 'select count(*) from listening_events' }],
        target,
        consumerMapping(source, []),
      ).impact.status,
    ).toBe('unaffected');
  });
});

describe('a dataset named by a Unicode-escaped identifier (found by an adversarial corpus)', () => {
  // `U&"listening\005Fevents"` is listening_events: a search for the name as a
  // word does not find it, and the file was called unaffected.
  const escaped = 'U&"listening\\005Fevents"';

  it('renames it, keeping the escaped name as the alias, which may qualify columns', () => {
    const sql = `SELECT ${escaped}.event_id FROM ${escaped}`;
    const { impact, results } = assessConsumer(
      [{ path: 'q.sql', content: sql }],
      target,
      toPlays,
    );
    expect(impact.status).toBe('affected');
    expect(results[0].content).toBe(
      `SELECT ${escaped}.event_id FROM plays AS ${escaped}`,
    );
  });

  it('reads a field of it, with UESCAPE too', () => {
    const renameTrack = consumerMapping(source, [
      { renameField: { from: 'track_id', to: 'track_uri' } },
    ]);
    for (const relation of [
      escaped,
      `U&"listening!005Fevents" UESCAPE '!'`,
      'U&"\\+00006Cistening_events"',
    ]) {
      const { impact, results } = assessConsumer(
        [{ path: 'q.sql', content: `SELECT track_id FROM ${relation}` }],
        target,
        renameTrack,
      );
      expect({ relation, status: impact.status }).toEqual({
        relation,
        status: 'affected',
      });
      expect(results[0].content).toBe(
        `SELECT track_uri AS track_id FROM ${relation}`,
      );
    }
  });

  it('a table another file creates, read by its escaped name', () => {
    const made = {
      path: 'a.sql',
      content:
        'CREATE TABLE tops AS SELECT event_id, ms_played FROM listening_events',
    };
    const reads = {
      path: 'b.sql',
      content: 'SELECT ms_played / 2 FROM U&"top\\0073"',
    };
    const toBigint = consumerMapping(source, [
      { changeType: { field: 'ms_played', type: 'bigint' } },
    ]);
    expect(assessConsumer([made, reads], target, toBigint).impact.status).toBe(
      'needs-decision',
    );
  });
});

describe('a dataset whose name ends in a letter outside ASCII (found by an adversarial corpus)', () => {
  // `\bcafé\b` finds no café: to `\b`, é is no word character, so no file read
  // the dataset and every one was called unaffected.
  const fields: DatasetField[] = [
    { name: 'id', type: 'integer', nullable: false, primaryKey: true },
    { name: 'k', type: 'integer', nullable: true, primaryKey: false },
    { name: 'été', type: 'integer', nullable: true, primaryKey: false },
  ];
  const cafe: DatasetTarget = {
    schema: 'public',
    table: 'café',
    fields: fields.map(f => f.name),
  };
  const assess = (
    content: string,
    changes: Parameters<typeof consumerMapping>[1],
    to?: string,
  ) =>
    assessConsumer(
      [{ path: 'q.sql', content }],
      cafe,
      consumerMapping(
        fields,
        changes,
        to === undefined ? undefined : renamedRelation(cafe, to),
      ),
    );

  it('reads it, renamed or with a field renamed', () => {
    expect(
      assess('SELECT id, k FROM café', [], 'cafe2').results[0].content,
    ).toBe('SELECT id, k FROM cafe2');
    expect(
      assess('SELECT c.k FROM café c', [
        { renameField: { from: 'k', to: 'kk' } },
      ]).results[0].content,
    ).toBe('SELECT c.kk AS k FROM café c');
  });

  it('a widened field of another file’s view, named outside ASCII too', () => {
    const view = {
      path: 'v.sql',
      content: 'CREATE VIEW halves AS SELECT id, été FROM café',
    };
    const report = { path: 'r.sql', content: 'SELECT été / 2 FROM halves' };
    expect(
      assessConsumer(
        [view, report],
        cafe,
        consumerMapping(fields, [
          { changeType: { field: 'été', type: 'numeric' } },
        ]),
      ).impact.status,
    ).toBe('needs-decision');
  });
});
