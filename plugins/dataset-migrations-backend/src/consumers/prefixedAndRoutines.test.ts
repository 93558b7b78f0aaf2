import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { assessConsumer } from './impact';
import { loadSqlParser } from '../sql/sqlParser';
import { consumerMapping } from './sql/fieldMapping';
import { tablePrefixesOf } from './sql/tablePrefix';

// Found by round 38's probe of real applications: tables the code names
// without the prefix its configuration adds at run time, and functions a
// migration made that go on reading the dataset in the database.
const fields: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'title', type: 'text', nullable: false, primaryKey: false },
  { name: 'summary', type: 'text', nullable: true, primaryKey: false },
];
const dropSummary = consumerMapping(fields, [
  { dropField: { name: 'summary' } },
]);
const table = (name: string) => ({
  schema: 'public',
  table: name,
  fields: fields.map(f => f.name),
});
const listed = (files: ChangedFile[], name: string) => {
  const { impact, results } = assessConsumer(files, table(name), dropSummary);
  return {
    consumer: impact.status,
    files: Object.fromEntries(results.map(r => [r.path, r.status])),
    messages: results.map(r => r.impact.problem?.message ?? '').join('\n'),
  };
};

beforeAll(() => loadSqlParser());

describe('a table the repository prefixes at run time', () => {
  const railsReader = {
    path: 'app/controllers/posts_controller.rb',
    content:
      'class PostsController < ApplicationController\n  def index\n    @posts = Blog::Post.where(published: true).pluck(:id, :title, :summary)\n  end\nend\n',
  };
  const goReader = [
    {
      path: 'models.go',
      content:
        'package main\n\ntype Post struct {\n\tID      uint\n\tTitle   string\n\tSummary string\n}\n',
    },
    {
      path: 'handler.go',
      content:
        'package main\n\nfunc summaries(db *gorm.DB) []string {\n\tvar posts []Post\n\tdb.Order("title").Find(&posts)\n\tout := []string{}\n\tfor _, p := range posts {\n\t\tout = append(out, p.Summary)\n\t}\n\treturn out\n}\n',
    },
  ];
  const prefixes: Array<[string, ChangedFile[]]> = [
    [
      "a Rails namespace's table_name_prefix",
      [
        {
          path: 'app/models/blog.rb',
          content:
            'module Blog\n  def self.table_name_prefix\n    "blog_"\n  end\nend\n',
        },
        {
          path: 'app/models/blog/post.rb',
          content: 'class Blog::Post < ApplicationRecord\nend\n',
        },
        railsReader,
      ],
    ],
    [
      "a Rails engine's isolate_namespace",
      [
        {
          path: 'lib/blog/engine.rb',
          content:
            'module Blog\n  class Engine < ::Rails::Engine\n    isolate_namespace Blog\n  end\nend\n',
        },
        {
          path: 'app/models/blog/post.rb',
          content:
            'module Blog\n  class Post < ApplicationRecord\n  end\nend\n',
        },
        railsReader,
      ],
    ],
    [
      "GORM's NamingStrategy",
      [
        {
          path: 'main.go',
          content:
            'package main\n\nfunc open(dsn string) (*gorm.DB, error) {\n\treturn gorm.Open(postgres.Open(dsn), &gorm.Config{\n\t\tNamingStrategy: schema.NamingStrategy{TablePrefix: "blog_"},\n\t})\n}\n',
        },
        ...goReader,
      ],
    ],
    [
      'a TABLE_PREFIX setting',
      [{ path: '.env', content: 'APP_TABLE_PREFIX=blog_\n' }, ...goReader],
    ],
  ];

  it.each(prefixes)(
    'sends the code naming the unprefixed table to a person (%s)',
    (_, files) => {
      const prefixed = listed(files, 'blog_posts');
      expect(prefixed.consumer).toBe('needs-decision');
      expect(prefixed.messages).toContain(
        'prefixes with "blog_" at run time, so it is the dataset blog_posts',
      );
      // The reader of the summary is among them.
      const reader = files[files.length - 1].path;
      expect(prefixed.files[reader]).toBe('needs-decision');
    },
  );

  it("finds Laravel's default through env() and Drizzle's table creator, not a README's", () => {
    const prefixOf = (path: string, content: string) =>
      tablePrefixesOf([{ path, content }]).map(p => p.prefix);
    expect(
      prefixOf(
        'config/database.php',
        "'pgsql' => ['driver' => 'pgsql', 'prefix' => env('DB_PREFIX', 'blog_')],",
      ),
    ).toEqual(['blog_']);
    expect(
      prefixOf(
        'src/server/db/schema.ts',
        'export const createTable = pgTableCreator(name => `blog_${name}`);',
      ),
    ).toEqual(['blog_']);
    expect(prefixOf('README.md', "Set `'prefix' => 'v1_'` to …")).toEqual([]);
  });

  it('takes no prefix where the repository makes a table of the unprefixed name itself', () => {
    const [, railsFiles] = prefixes[0];
    const withOwnPosts = [
      ...railsFiles,
      {
        path: 'db/schema.rb',
        content:
          'ActiveRecord::Schema[7.0].define(version: 2024_01_01) do\n  create_table "posts", force: :cascade do |t|\n    t.text "summary"\n  end\n  create_table "blog_posts", force: :cascade do |t|\n    t.text "summary"\n  end\nend\n',
      },
    ];
    expect(listed(withOwnPosts, 'blog_posts').messages).not.toContain(
      'at run time',
    );
  });

  it('leaves the same code alone for a table without that prefix, and takes no route prefix for one', () => {
    for (const [, files] of prefixes) {
      const other = listed(files, 'shop_posts');
      expect(other.messages).not.toContain('at run time');
    }
    expect(
      tablePrefixesOf([
        {
          path: 'routes/web.php',
          content: "Route::group(['prefix' => 'admin'], function () {});",
        },
      ]),
    ).toEqual([]);
    expect(
      tablePrefixesOf([
        {
          path: 'config/database.php',
          content:
            "'pgsql' => ['driver' => 'pgsql', 'prefix' => 'app_', 'schema' => 'public'],",
        },
      ]),
    ).toEqual([{ prefix: 'app_', path: 'config/database.php' }]);
  });
});

describe('a function an applied migration made', () => {
  const rename = consumerMapping(fields, [
    { renameField: { from: 'summary', to: 'abstract' } },
  ]);
  const made: ChangedFile = {
    path: 'db/migrate/20200201000000_add_summary_trigger.rb',
    content: `class AddSummaryTrigger < ActiveRecord::Migration[6.0]
  def up
    execute <<~SQL
      CREATE FUNCTION fill_summary() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE posts SET summary = left(NEW.body, 80) WHERE id = NEW.post_id;
        RETURN NEW;
      END;
      $$;
      CREATE TRIGGER bodies_fill AFTER INSERT ON bodies FOR EACH ROW EXECUTE FUNCTION fill_summary();
    SQL
  end
end
`,
  };
  const later: ChangedFile = {
    path: 'db/migrate/20220101000000_index_posts.rb',
    content:
      'class IndexPosts < ActiveRecord::Migration[6.0]\n  def change\n    add_index :posts, :title\n  end\nend\n',
  };

  it('sends the migration to a person: its body reads the dataset in the database', () => {
    const { results } = assessConsumer([made, later], table('posts'), rename);
    const file = results.find(r => r.path === made.path)!;
    expect(file.status).toBe('needs-decision');
    expect(file.impact.problem?.message).toContain(
      'creates fill_summary, whose body reads posts',
    );
  });

  it('reads the function again where only a down script or an earlier migration drops or replaces it', () => {
    const sqlMade = (version: string, body: string): ChangedFile => ({
      path: `migrations/${version}_summary_fn.up.sql`,
      content: `CREATE OR REPLACE FUNCTION post_summary(p bigint) RETURNS text LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN (SELECT ${body} FROM posts WHERE id = p);\nEND;\n$$;\n`,
    });
    const down: ChangedFile = {
      path: 'migrations/000002_summary_fn.down.sql',
      content: 'DROP FUNCTION post_summary(bigint);\n',
    };
    const index: ChangedFile = {
      path: 'migrations/000009_idx.up.sql',
      content: 'CREATE INDEX posts_title ON posts (title);\n',
    };
    const message = (files: ChangedFile[], path: string) =>
      assessConsumer(files, table('posts'), rename).results.find(
        r => r.path === path,
      )?.impact.problem?.message ?? '';
    const second = sqlMade('000002', 'summary');
    expect(message([second, down, index], second.path)).toContain(
      'creates post_summary, whose body reads posts',
    );
    // 000003 replaces 000002's, and reads the field itself.
    const third = sqlMade('000003', 'summary');
    expect(message([second, third, index], third.path)).toContain(
      'creates post_summary, whose body reads posts',
    );
    expect(message([second, third, index], second.path)).not.toContain(
      'creates post_summary',
    );
  });

  it('keeps it history where a later migration replaces the function', () => {
    const replaced: ChangedFile = {
      path: 'db/migrate/20230101000000_replace_fill_summary.rb',
      content:
        'class ReplaceFillSummary < ActiveRecord::Migration[6.0]\n  def up\n    execute "CREATE OR REPLACE FUNCTION fill_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;"\n  end\nend\n',
    };
    const { results } = assessConsumer(
      [made, later, replaced],
      table('posts'),
      rename,
    );
    const file = results.find(r => r.path === made.path);
    expect(file?.impact.problem?.message ?? '').not.toContain(
      'creates fill_summary',
    );
  });
});

describe('Doctrine migrations', () => {
  const migration = (version: string, sql: string): ChangedFile => ({
    path: `migrations/Version${version}.php`,
    content: `<?php\n\ndeclare(strict_types=1);\n\nnamespace DoctrineMigrations;\n\nuse Doctrine\\DBAL\\Schema\\Schema;\nuse Doctrine\\Migrations\\AbstractMigration;\n\nfinal class Version${version} extends AbstractMigration\n{\n    public function up(Schema $schema): void\n    {\n        $this->addSql('${sql}');\n    }\n\n    public function down(Schema $schema): void\n    {\n    }\n}\n`,
  });

  it('are history, ordered by their version, the newest going to a person', () => {
    const older = migration(
      '20160410190541',
      'ALTER TABLE posts ADD summary TEXT DEFAULT NULL',
    );
    const newer = migration(
      '20240521152037',
      'CREATE INDEX posts_summary ON posts (summary)',
    );
    const { results } = assessConsumer(
      [newer, older],
      table('posts'),
      dropSummary,
    );
    const status = (f: ChangedFile) =>
      results.find(r => r.path === f.path)?.impact;
    expect(status(older)).toMatchObject({ status: 'unaffected' });
    expect(status(older)?.problem?.message).toContain(
      'a Doctrine migration, applied once and never run again, is history',
    );
    expect(status(newer)).toMatchObject({ status: 'needs-decision' });
    expect(status(newer)?.problem?.message).toContain(
      'it is the newest of its migrations the change breaks',
    );
  });
});
