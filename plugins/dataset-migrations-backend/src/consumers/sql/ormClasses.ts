/**
 * Classes an ORM maps to a table by naming it: impact.ts links other files
 * reading the table through such a class, and wholeRows.ts finds the file's own
 * reads of whole rows through it.
 */
import { escapeRegExp } from '../../sql/regExp';

/**
 * Classes an ORM maps to the table by naming it, under a name of their own
 * (`class Purchase` with SQLAlchemy's `__tablename__ = 'orders'`, Django's
 * `db_table`, Rails' `self.table_name`, JPA's `@Table(name = "orders")`,
 * TypeORM's `@Entity('orders')`, MikroORM's `@Entity({ tableName: 'orders' })`,
 * Doctrine's `#[ORM\Table(name: 'orders')]`, EF's `[Table("orders")]` and
 * `Entity<Purchase>().ToTable("orders")`, Sequelize's `tableName`, Prisma's
 * `@@map("orders")`, Objection's `static get tableName() { return 'orders' }`,
 * Ecto's `schema "orders"`, Eloquent's `protected $table =
 * 'orders'`, CakePHP's `$this->setTable('orders')` (in `PurchasesTable`,
 * also read by its alias `Purchases`), GORM's `TableName()`, Exposed's
 * `object Purchases : Table("orders")`): code elsewhere reads the table through
 * the class (`Purchase.qty`, `Purchase.objects.filter(qty__gt=5)`,
 * `prisma.purchase`), never naming it. Given `schema`, only classes mapped to
 * the table unqualified or in that schema.
 */
export function ormClassesOf(
  content: string,
  table: string,
  schema?: string,
): string[] {
  // Given a schema, a class mapped to a table of another one is not the dataset's.
  const qualifier = schema ? escapeRegExp(schema) : String.raw`[\w$]+`;
  // Django quotes the parts to give a schema: `db_table = '"raw"."orders"'`.
  const t = String.raw`["']"?(?:${qualifier}"?\."?)?${escapeRegExp(
    table,
  )}"?["']`;
  const names: string[] = [];
  const declaration =
    /\b(?:class|model|object|interface|struct)\s+([A-Z][\w$]*)|\bdefmodule\s+(?:[\w]+\.)*([A-Z]\w*)|\btype\s+([A-Z]\w*)\s+struct\b/g;
  const declarations = [...content.matchAll(declaration)]
    .map(m => ({ at: m.index ?? 0, name: m[1] ?? m[2] ?? m[3] }))
    .filter(d => !/^(?:Meta|Base|Model|Config)$/.test(d.name));
  // The table named inside the class's body: the class declared before it.
  for (const match of content.matchAll(
    new RegExp(
      String.raw`(?:__tablename__|db_table|table_name|tableName|@@map|\bschema|\$table|\bsetTable)\s*(?:[:=(]\s*)?(?:\(\s*)?${t}|\btableName\s*\(\s*\)\s*\{\s*return\s+${t}|\bfunc\s*\(\s*\w*\s*\*?([A-Z]\w*)\s*\)\s*TableName\s*\(\s*\)\s*string\s*\{\s*return\s+${t}`,
      'g',
    ),
  )) {
    if (match[1]) {
      names.push(match[1]);
      continue;
    }
    const before = declarations.filter(d => d.at < (match.index ?? 0)).at(-1);
    if (before) names.push(before.name);
    // CakePHP's table class (`PurchasesTable`) is read by its alias
    // (`$this->Purchases->find()`, `fetchTable('Purchases')`).
    if (before && match[0].startsWith('setTable'))
      names.push(before.name.replace(/(?<=.)Table$/, ''));
  }
  // An annotation or decorator before the class naming the table.
  for (const match of content.matchAll(
    new RegExp(
      String.raw`(?:@Table|@Entity|\[Table|ORM\\Table)\s*\(\s*(?:\{\s*)?(?:(?:tableN|n)ame\s*[:=]\s*)?${t}([^)]{0,500})`,
      'g',
    ),
  )) {
    // Its own schema option (JPA's, Doctrine's) names another schema.
    const other = /\bschema\s*[:=]\s*["']([^"']+)["']/.exec(match[1]);
    if (schema && other && other[1].toLowerCase() !== schema.toLowerCase())
      continue;
    const after = declarations.find(d => d.at > (match.index ?? 0));
    if (after) names.push(after.name);
  }
  // The class named where the table is: `Entity<Purchase>().ToTable("orders")`,
  // `Purchase.init({…}, { tableName: 'orders' })`, `define('Purchase', …)`,
  // `object Purchases : Table("orders")`.
  for (const match of content.matchAll(
    new RegExp(
      String.raw`Entity<\s*([A-Z]\w*)\s*>\s*\(\s*\)\s*\.\s*ToTable\s*\(\s*${t}|\bobject\s+([A-Z]\w*)\s*:\s*(?:\w+\.)?(?:Int|Long|UUID)?Table\s*\(\s*${t}|\bdefine\s*\(\s*["']([A-Z]\w*)["'][\s\S]{0,2000}?tableName\s*:\s*${t}|\b([A-Z]\w*)\s*\.\s*init\s*\([\s\S]{0,2000}?tableName\s*:\s*${t}`,
      'g',
    ),
  ))
    names.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  return [...new Set(names)];
}

/**
 * The bases a model inherits its table and columns from, per language: Active
 * Record's (`ApplicationRecord`, `ActiveRecord::Base`), Eloquent's, Lucid's and
 * Sequelize's (`Model`, `BaseModel`, `Authenticatable`, `Pivot`), and Django's
 * (`models.Model`, and abstract models of packages apps build on:
 * django-extensions' `TimeStampedModel`, `AbstractUser`, MPTT's…). Not
 * pydantic's `BaseModel`, a Python class of no table.
 */
const ORM_BASES: Array<[RegExp, RegExp]> = [
  [/\.rb$/i, /^(?:(?:::)?(?:\w+::)*\w*Record|(?:::)?ActiveRecord::Base)$/],
  [
    /\.(?:php|[cm]?[jt]sx?)$/i,
    /^(?:[\w\\.]*[\\.])?(?:Model|BaseModel|Authenticatable|Pivot|Eloquent)$/,
  ],
  [
    /\.py$/i,
    /^(?:(?:models|db)\.)?(?:Model|TimeStampedModel|TitleSlugDescriptionModel|TitleDescriptionModel|SoftDeletableModel|StatusModel|UUIDModel|MPTTModel|PolymorphicModel|AbstractUser|AbstractBaseUser|OrderedModel)$/,
  ],
];

/** A class and the base it names, as Ruby, PHP, JavaScript and Python declare them. */
const CLASS_WITH_BASE =
  /^[ \t]*(?:(?:export|default|final|abstract|public)\s+)*class\s+(?:(?:::)?[A-Z]\w*::)*([A-Z]\w*)(?:\s*<\s*((?:::)?(?:[A-Z]\w*::)*[A-Z]\w*)|(?:<[^<>\n]*>)?\s+extends\s+([\w\\.]+)|\s*\(\s*([\w.]+))/gm;

/**
 * The ORM models declared in the repository, each with its file: classes
 * extending an ORM's base (ORM_BASES), or a class of the repository that does
 * (`class Page < Entity`, where `Entity < ApplicationRecord` is abstract;
 * `Page extends BookChild extends Entity extends Model`; `class
 * Order(BaseModel)` over an abstract Django model).
 */
export function ormModelsIn(
  files: ReadonlyArray<{ path: string; content: string }>,
): Array<{ name: string; path: string }> {
  const declared: Array<{
    name: string;
    base: string;
    path: string;
    roots: RegExp;
  }> = [];
  const bases = new Map<string, { base: string; roots: RegExp }>();
  for (const file of files) {
    const roots = ORM_BASES.find(([path]) => path.test(file.path))?.[1];
    if (!roots || !/\bclass\s/.test(file.content)) continue;
    for (const m of file.content.matchAll(CLASS_WITH_BASE)) {
      const base = m[2] ?? m[3] ?? m[4];
      declared.push({ name: m[1], base, path: file.path, roots });
      if (!bases.has(m[1])) bases.set(m[1], { base, roots });
    }
  }
  const isOrm = (base: string, roots: RegExp, seen: Set<string>): boolean => {
    if (roots.test(base)) return true;
    const name = base.split(/::|\\|\./).pop()!;
    const next = bases.get(name);
    if (!next || seen.has(name)) return false;
    seen.add(name);
    return isOrm(next.base, next.roots, seen);
  };
  return declared
    .filter(({ name, base, roots }) => isOrm(base, roots, new Set([name])))
    .map(({ name, path }) => ({ name, path }));
}

/**
 * Of the repository's ORM models (ormModelsIn), those of the table by
 * convention, naming no table: named as the table (`Order` for `orders`, see
 * modelClassNames; for Django, `OrderItem` for `shop_orderitem`, the table's
 * last word in any case). Their attributes are the table's columns, declared
 * nowhere in the code. Only in the default schema, which the conventions
 * infer.
 */
export function conventionalModelsOf(
  models: ReadonlyArray<{ name: string; path: string }>,
  table: string,
  schema: string,
): Map<string, string> {
  const found = new Map<string, string>();
  if (schema !== 'public') return found;
  const conventional = new Set(modelClassNames(table));
  const lastWord = table.slice(table.lastIndexOf('_') + 1).toLowerCase();
  for (const { name, path } of models)
    if (
      conventional.has(name) ||
      (/\.py$/i.test(path) && name.toLowerCase() === lastWord)
    )
      found.set(name, path);
  return found;
}

/**
 * Variables code binds to the table's object, under a name of their own:
 * SQLAlchemy Core's `orders_t = Table("orders", metadata, …)` or
 * `sa.table("orders", …)`, peewee's and pypika's `Table('orders')`, Knex's
 * `const purchases = () => knex('orders')`, Drizzle's `pgTable('orders',
 * …)`. Code elsewhere reads the table through it (`select(orders_t.c.qty)`,
 * `orders_t.c["qty"]`), never naming it. A DataFrame read from it (`df =
 * spark.table("raw.orders")`) is a value of its own file.
 */
export function tableObjectsOf(content: string, table: string): string[] {
  const t = String.raw`["'](?:[\w$]+\.)?${escapeRegExp(table)}["']`;
  return [
    ...content.matchAll(
      new RegExp(
        // A name starts where no name goes on (`\b` stands between `$` and a
        // letter too: each start of a run of `$a` scanned it all, found by
        // round 31c); its type, if any, is short.
        String.raw`(?<![\w$])([A-Za-z_$][\w$]*)\s*(?::[^=\n]{0,200})?=\s*(?:\(\s*\)\s*=>\s*)?(?:(?:sa|sqlalchemy|sql|expression|pypika)\s*\.\s*)?(?:Table|table|knex|db|pgTable)\s*\(\s*(?:name\s*=\s*)?${t}`,
        'g',
      ),
    ),
  ].map(m => m[1]);
}

/**
 * An ORM's upsert of a class or table object in `names` (mapped to the
 * table), which PostgreSQL runs as `INSERT … ON CONFLICT`: SQLAlchemy's
 * `insert(Order).values(…).on_conflict_do_update(…)` (`postgresql.insert`,
 * `pg_insert`), Rails' `Order.upsert_all(…)`, `upsert` and `insert_all`
 * (`ON CONFLICT DO NOTHING`; not the banged `insert_all!`, which raises
 * instead), Sequelize's and TypeORM's `upsert`, Sequelize's `bulkCreate` with
 * `updateOnDuplicate` or `ignoreDuplicates`, peewee's `.on_conflict…()`,
 * Django's `bulk_create(…, update_conflicts=True)` or `ignore_conflicts=True`,
 * and Prisma's `prisma.order.upsert(…)` (from 4.6 a "database upsert", `INSERT
 * … ON CONFLICT`, wherever its `where` names one unique field, the common
 * case) and `createMany({ …, skipDuplicates: true })`; Rails' `Order.insert(…)`
 * (`insert_all` of one row); Eloquent's `Order::upsert(…)` and
 * `insertOrIgnore`; TypeORM's `.insert().into(Order)….orIgnore()`; Drizzle's
 * `db.insert(orders)….onConflictDoNothing()`; Ecto's `Repo.insert(…,
 * on_conflict: …)` and `insert_all` (not `on_conflict: :raise`, its default, a
 * plain insert); GORM's `db.Clauses(clause.OnConflict{…}).Create(&order)`
 * (`order` a model's value in `code`); and, naming the table itself (`table`),
 * Diesel's `insert_into(orders::table)….on_conflict(…)`, jOOQ's
 * `insertInto(ORDERS)….onConflict(…)` and Ecto's `insert_all("orders", …)`;
 * Knex's `knex('orders').insert(…).onConflict(…)` and Objection's
 * `Order.query().insert(…).onConflict(…)`, Kysely's
 * `insertInto('orders')….onConflict(…)`, MikroORM's `em.upsert(Order, …)`,
 * supabase-js's (PostgREST's) `from('orders').upsert(…)` (supabase-py's
 * `table(…)`) and Sequel's
 * `DB[:orders].insert_conflict` (round 33b).
 * Up to 2,000 characters from the insert to its conflict clause.
 */
export function ormUpsertPattern(
  code: string,
  names: string[],
  table: {
    /** The table's name: Diesel's module; jOOQ's constant is it in capitals. */
    name: string;
    schema: string;
    /** The table's name in a string, as a pattern (`'orders'`, `"raw.orders"`). */
    quoted: string;
  },
): string {
  const either = (list: string[]) =>
    list.length ? list.map(escapeRegExp).join('|') : '(?!)';
  const n = String.raw`(?<![\w$.])(?:${either(names)})(?![\w$])`;
  // Rails' models are classes; a table object's `orders_t.insert()` is
  // SQLAlchemy's plain insert.
  const c = String.raw`(?<![\w$.])(?:${either(
    names.filter(name => /^[A-Z]/.test(name)),
  )})(?![\w$])`;
  // Ecto and GORM name a module or struct qualified too (`%Shop.Order{}`,
  // `&models.Order{}`).
  const qualified = String.raw`(?<![\w$.])(?:[A-Za-z]\w{0,60}\.){0,4}(?:${either(
    names,
  )})(?![\w$])`;
  const t = escapeRegExp(table.name);
  const s = escapeRegExp(table.schema);
  // Lines of one Elixir expression: no blank line between them.
  const expression = String.raw`(?:[^\n]|\n(?![ \t]{0,200}\n)){0,2000}?`;
  const ectoConflict = String.raw`\bon_conflict:(?!\s*:raise\b)`;
  // Prisma's client names a model by its delegate, the name in camelCase.
  const delegates = names
    .map(name => escapeRegExp(name[0].toLowerCase() + name.slice(1)))
    .join('|');
  return [
    String.raw`insert\s*\(\s*${n}(?:\s*\.\s*__table__)?\s*\)[\s\S]{0,2000}?\.\s*on_conflict_do_(?:nothing|update)\s*\(`,
    // Eloquent's too: `Order::upsert(…)`, `Order::insertOrIgnore(…)`.
    String.raw`${n}\s*(?:\.|::)\s*(?:upsert(?:_all)?|insert_all|insertOrIgnore)(?![\w$!?])`,
    String.raw`${n}\s*\.\s*insert(?:_many|_from)?\s*\([\s\S]{0,2000}?\.\s*on_conflict(?:_ignore|_replace)?\s*\(`,
    String.raw`${n}\s*\.\s*bulkCreate\s*\([\s\S]{0,2000}?\b(?:updateOnDuplicate\b|ignoreDuplicates\s*:\s*true)`,
    String.raw`\bgetRepository\s*\(\s*${n}\s*\)\s*\.\s*upsert\s*\(`,
    // TypeORM's query builder: `.insert().into(Order)….orIgnore()`, `.orUpdate(…)`.
    String.raw`\.\s*into\s*\(\s*${n}\s*\)[\s\S]{0,2000}?\.\s*or(?:Ignore|Update)\s*\(`,
    // Drizzle: `db.insert(orders)….onConflictDoNothing()`, its table object
    // named as the table in camelCase where another file makes it.
    String.raw`\.\s*insert\s*\(\s*(?:${n}|(?<![\w$.])(?:[A-Za-z_$][\w$]*\s*\.\s*)?${escapeRegExp(
      drizzleNameOf(table.name),
    )}(?![\w$]))\s*\)[\s\S]{0,2000}?\.\s*onConflictDo(?:Nothing|Update)\s*\(`,
    String.raw`${n}\s*\.\s*objects\s*\.\s*bulk_create\s*\([\s\S]{0,2000}?\b(?:update|ignore)_conflicts\s*=\s*True`,
    String.raw`\.\s*(?:${delegates})\s*\.\s*(?:upsert\s*\(|createMany(?:AndReturn)?\s*\([\s\S]{0,2000}?\bskipDuplicates\s*:\s*true)`,
    // Rails' `Order.insert(attrs)` runs at once; peewee's and SQLAlchemy's
    // `insert(…)` build a statement run by a call chained on (`.execute()`),
    // or take no arguments.
    String.raw`${c}\s*\.\s*insert(?:\s*\((?!\s*\))(?:[^()]|\([^()]{0,200}\)){0,500}\)(?!\s*\.)|[ \t]+(?=[{:\w]))`,
    // Ecto: the schema or the table first (`Repo.insert_all(Order, rows, …)`,
    // `Repo.insert(%Order{…}, …)`), or piped or bound before the insert in
    // the same expression (`%Order{} |> Order.changeset(a) |> Repo.insert(…)`),
    // looked back for from each insert (every name is no start), where the
    // file has a conflict option at all.
    ...(/\bon_conflict:/.test(code)
      ? [
          String.raw`\bRepo\s*\.\s*insert(?:_all)?!?\s*\(\s*(?:%\s*)?(?:${qualified}|${table.quoted})${expression}${ectoConflict}`,
          String.raw`(?<=${qualified}${expression})\bRepo\s*\.\s*insert(?:_all)?!?\s*\([^)]{0,500}?${ectoConflict}`,
        ]
      : []),
    // GORM: the model given to `Model`, `Table` or `Create` in the chain
    // with `clause.OnConflict`.
    String.raw`\.\s*(?:Model\s*\(\s*&?\s*${qualified}\s*\{|Table\s*\(\s*${table.quoted})[^;\n]{0,2000}?\bclause\s*\.\s*OnConflict\b`,
    String.raw`\bclause\s*\.\s*OnConflict\b[\s\S]{0,2000}?\.\s*(?:Create|CreateInBatches)\s*\(\s*&?\s*(?:\[\]\s*\*?\s*)?(?:${qualified}\s*\{|(?:${either(
      goValuesOf(code, names),
    )})(?![\w$]))`,
    // Diesel's table module (`schema::orders::table`, `orders` after `use
    // schema::orders::dsl::*`), not another schema's (`other::orders`).
    String.raw`\binsert_into\s*\(\s*(?:(?:crate|super|self|schema|${s})\s*::\s*){0,4}${t}(?:\s*::\s*table)?\s*\)[\s\S]{0,2000}?\.\s*on_conflict(?:_do_nothing)?\s*\(`,
    // jOOQ's generated constant (`ORDERS`, `Tables.ORDERS`, `RAW.ORDERS`) or
    // `table("orders")`; it runs `onDuplicateKey…` as ON CONFLICT on PostgreSQL.
    String.raw`\binsertInto\s*\(\s*(?:(?:(?:[a-z]\w{0,60}\.){0,6}Tables|${s.toUpperCase()})\s*\.\s*)?(?:${t.toUpperCase()}(?![\w$])|(?:DSL\s*\.\s*)?table\s*\(\s*${
      table.quoted
    })[\s\S]{0,2000}?\.\s*(?:onConflict(?:DoNothing|OnConstraint)?|onDuplicateKey(?:Update|Ignore))\s*\(`,
    // Knex names the table (`knex('orders')`, `trx('orders')`,
    // `knex.into('orders')`, `.table(…)`), Objection the model's query.
    // (Only an insert takes onConflict.)
    String.raw`(?:\(\s*${table.quoted}\s*\)|${n}\s*\.\s*query\s*\([^()]{0,200}\))[\s\S]{0,2000}?\.\s*onConflict\s*\(`,
    String.raw`\binsertInto\s*\(\s*${table.quoted}\s*\)[\s\S]{0,2000}?\.\s*onConflict\s*\(`,
    String.raw`\.\s*upsert(?:Many)?\s*\(\s*${n}\s*[,)]`,
    // supabase-js's `from(…)`, supabase-py's `table(…)` and `from_(…)`.
    String.raw`\.\s*(?:from_?|table)\s*\(\s*${table.quoted}\s*\)\s*\.\s*upsert\s*\(`,
    String.raw`(?:\b(?:DB|db)\s*(?:\[\s*:${t}\s*\]|\.\s*from\s*\(\s*:${t}\s*\))|${c})[\s\S]{0,2000}?\.\s*insert_conflict\b`,
  ].join('|');
}

/**
 * What names a constraint in an upsert's conflict clause, after it (up to 300
 * characters within the call), so that it runs ON CONFLICT ON CONSTRAINT:
 * SQLAlchemy's `on_conflict_do_update(constraint='orders_pkey', …)`, Diesel's
 * `.on_conflict(on_constraint("orders_pkey"))`, Ecto's `conflict_target:
 * {:constraint, :orders_pkey}` (after `on_conflict:`, as its docs write it).
 * jOOQ's `onConflictOnConstraint(…)` is its clause itself.
 */
export const ORM_CONFLICT_CONSTRAINT = String.raw`[^;)]{0,300}?(?:\bconstraint\s*=|\bon_constraint\s*\(|\bconflict_target:\s*\{\s*:constraint\b)`;

/**
 * Go variables `code` gives a model's type (`order := Order{…}`, `rows :=
 * []*models.Order{}`, `var order Order`, a parameter `order *Order`): what
 * GORM's `Create(&order)` writes to the model's table.
 */
function goValuesOf(code: string, names: string[]): string[] {
  if (names.length === 0) return [];
  const model = String.raw`(?:\[\]\s*)?\*?\s*(?:[a-z]\w{0,60}\.)?(?:${names
    .map(escapeRegExp)
    .join('|')})(?![\w$.])`;
  // Each run of blanks as one: the pattern's blanks on both sides of `:=`
  // split a long run (a file's blanked comments) every way, quadratic in it
  // (a review, round 37: 8 s on 100 kB).
  return [
    ...code
      .replace(/\s+/g, ' ')
      .matchAll(
        new RegExp(
          String.raw`(?<![\w$.])([a-z_]\w*)\s*(?::=\s*&?\s*|\s)${model}`,
          'g',
        ),
      ),
  ].map(m => m[1]);
}

/**
 * The class names ORMs infer the table's name from: singular and plural,
 * PascalCase, and CakePHP's table class (`OrdersTable`).
 */
export function modelClassNames(table: string): string[] {
  // Sequelize names a model's table its plural as the model spells it
  // (`Order` reads `"Orders"`).
  if (/^\p{Lu}[\p{L}\p{N}]*$/u.test(table))
    return [...new Set([...singularsOf(table), table])];
  const words = table.split('_').filter(w => w.length > 0);
  if (words.length === 0 || !/^[a-z0-9_]+$/.test(table)) return [];
  const last = words[words.length - 1];
  const pascal = (ws: string[]) =>
    ws.map(w => w[0].toUpperCase() + w.slice(1)).join('');
  return [
    ...new Set([
      ...singularsOf(last).map(singular =>
        pascal([...words.slice(0, -1), singular]),
      ),
      pascal(words),
      `${pascal(words)}Table`,
    ]),
  ];
}

/**
 * Words the same in the plural (Active Support's and Laravel's pluralisers
 * both keep them): a table `equipment` is the model `Equipment`.
 */
const UNCOUNTABLE = new Set(
  'equipment information rice money species series fish sheep jeans police news deer moose swine bison offspring feedback software hardware firmware metadata furniture knowledge traffic evidence'.split(
    ' ',
  ),
);

/**
 * Singular and plural pairs no rule makes, as the end of a word (`people`,
 * `salespeople`): Active Support's, then those Laravel's pluraliser
 * (Doctrine's inflector) adds, where `Leaf` is `leaves` and `Hero` `heroes`.
 */
const IRREGULAR: Array<[string, string]> = [
  ['person', 'people'],
  ['man', 'men'],
  ['child', 'children'],
  ['sex', 'sexes'],
  ['move', 'moves'],
  ['zombie', 'zombies'],
  ['ox', 'oxen'],
  ['foot', 'feet'],
  ['tooth', 'teeth'],
  ['goose', 'geese'],
  ['leaf', 'leaves'],
  ['loaf', 'loaves'],
  ['thief', 'thieves'],
  ['criterion', 'criteria'],
  ['cookie', 'cookies'],
  ['hero', 'heroes'],
  ['potato', 'potatoes'],
  ['tomato', 'tomatoes'],
  ['echo', 'echoes'],
  ['cactus', 'cacti'],
  ['focus', 'foci'],
  ['fungus', 'fungi'],
  ['nucleus', 'nuclei'],
  ['radius', 'radii'],
  ['syllabus', 'syllabi'],
  ['campus', 'campuses'],
  ['menu', 'menus'],
  ['valve', 'valves'],
  ['wave', 'waves'],
];

/**
 * Plural endings and their singulars, most particular first (the first that
 * applies is the inflector's answer): `quizzes`, `matrices`, `indices`,
 * `aliases`, `statuses`, `buses`, `analyses`, `wives`, `halves`, `movies`,
 * `series`, `boxes`, `heroes`, `media`, `categories`, `events`.
 */
const SINGULAR_RULES: Array<[RegExp, string]> = [
  [/(database)s$/, '$1'],
  [/(quiz)zes$/, '$1'],
  [/(matr)ices$/, '$1ix'],
  [/(vert|ind)ices$/, '$1ex'],
  [/^(ox)en$/, '$1'],
  [/(alias|status)(?:es)?$/, '$1'],
  [/(octop|vir)(?:us|i)$/, '$1us'],
  [/^(a)x[ie]s$/, '$1xis'],
  [/(cris|test)(?:is|es)$/, '$1is'],
  [/(shoe)s$/, '$1'],
  [/(o)es$/, '$1'],
  [/(bus)(?:es)?$/, '$1'],
  [/^([ml])ice$/, '$1ouse'],
  [/(x|ch|ss|sh)es$/, '$1'],
  [/(m)ovies$/, '$1ovie'],
  [/(s)eries$/, '$1eries'],
  [/([^aeiouy]|qu)ies$/, '$1y'],
  [/([lr])ves$/, '$1f'],
  [/([th]ive)s$/, '$1'],
  [/([^f])ves$/, '$1fe'],
  [/^(analy)(?:sis|ses)$/, '$1sis'],
  [/(analy|ba|diagno|parenthe|progno|synop|the)(?:sis|ses)$/, '$1sis'],
  [/([ti])a$/, '$1um'],
  [/(n)ews$/, '$1ews'],
  [/(ss)$/, '$1'],
  [/s$/, ''],
];

/** Singular endings and their plurals, most particular first: `Person`'s `people`, `Box`'s `boxes`. */
const PLURAL_RULES: Array<[RegExp, string]> = [
  [/(quiz)$/, '$1zes'],
  [/^(ox)$/, '$1en'],
  [/^([ml])ouse$/, '$1ice'],
  [/(matr|vert|ind)(?:ix|ex)$/, '$1ices'],
  [/(x|ch|ss|sh)$/, '$1es'],
  [/([^aeiouy]|qu)y$/, '$1ies'],
  [/(hive)$/, '$1s'],
  [/([^f])fe$/, '$1ves'],
  [/([lr])f$/, '$1ves'],
  [/sis$/, 'ses'],
  [/([ti])um$/, '$1a'],
  [/(buffal|tomat)o$/, '$1oes'],
  [/(bu)s$/, '$1ses'],
  [/(alias|status)$/, '$1es'],
  [/(octop|vir)(?:us|i)$/, '$1i'],
  [/^(ax|test)is$/, '$1es'],
  [/s$/, 's'],
  [/$/, 's'],
];

/** A word in lower case, inflected, keeping a capital it starts with. */
function inflected(word: string, inflect: (lower: string) => string[]) {
  const lower = word.toLowerCase();
  const capital = word[0] !== lower[0];
  return inflect(lower).map(w =>
    capital ? w[0].toUpperCase() + w.slice(1) : w,
  );
}

/** An English singular's plural, as Active Support pluralises it (`person`, `box`, `status`). */
function pluralOf(word: string): string {
  if (UNCOUNTABLE.has(word)) return word;
  for (const [singular, plural] of IRREGULAR.slice(0, 7))
    if (word.endsWith(singular))
      return word.slice(0, -singular.length) + plural;
  for (const [rule, replacement] of PLURAL_RULES)
    if (rule.test(word)) return word.replace(rule, replacement);
  return word;
}

/**
 * The singulars an English plural may be of, as ORMs' inflectors make them
 * (`categories`, `boxes`, `people`, `statuses`, `leaves`): the inflector's
 * own, and any other word whose plural it is (Rails' `Leave`, Laravel's
 * `Leaf`), since a class may be spelled either way.
 */
export function singularsOf(word: string): string[] {
  return inflected(word, lower => {
    if (UNCOUNTABLE.has(lower)) return [lower];
    const found: string[] = [];
    for (const [singular, plural] of IRREGULAR)
      if (lower.endsWith(plural))
        found.push(lower.slice(0, -plural.length) + singular);
    for (const [rule, replacement] of SINGULAR_RULES) {
      if (!rule.test(lower)) continue;
      const singular = lower.replace(rule, replacement);
      // The first rule is the inflector's answer; another, where its
      // singular pluralises back to the word.
      if (found.length === 0 || pluralOf(singular) === lower)
        found.push(singular);
    }
    return found.length > 0 ? [...new Set(found)] : [lower];
  });
}

/** Drizzle's table object, named as the table in camelCase (`orderItems`). */
export function drizzleNameOf(table: string): string {
  return table.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
}
