/**
 * Columns an ORM reads and writes for a model of the dataset without the code
 * ever spelling them (found by round 33b, F1 and F2): a foreign key it derives
 * from a relation's name (Django's `customer = models.ForeignKey(…)` is the
 * column `customer_id`), and timestamp or soft-delete columns it adds by itself
 * (`gorm.Model`, Ecto's `timestamps()`, Sequelize's `timestamps`/`paranoid`).
 * Under a rename or drop of such a column the model's every query fails once
 * contract removes the old name, though no changed field is named in the file.
 */
import { escapeRegExp } from '../../sql/regExp';
import { positionOf } from '../../sql/sqlParser';
import type { DatasetTarget } from './datasetTarget';
import type { ConsumerMapping } from './fieldMapping';
import { modelClassNames, ormClassesOf } from './ormClasses';

/** A column a model of the dataset reads under a name its code does not spell. */
interface DerivedColumn {
  /** The model (class, struct, module) mapped to the dataset. */
  model: string;
  /** The names the ORM may give the column (by its naming strategy). */
  columns: string[];
  /** How the ORM derives it, as said to a person. */
  how: string;
  /** What to set so that the model reads a renamed column (`<new>` for its name). */
  remedy: string;
  /** Where the declaration deriving it is. */
  at: number;
}

/** `camelCase` or `PascalCase` in snake_case (`shippingAddress` → `shipping_address`). */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The text of a call's arguments from its `(` at `open`, to its closing
 * parenthesis (strings skipped), at most `max` characters.
 */
function callArguments(text: string, open: number, max = 3000): string {
  let depth = 0;
  let quote: string | undefined;
  const end = Math.min(text.length, open + max);
  for (let i = open; i < end; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1, end);
}

/** A declaration of a class, struct or module, and the text it spans. */
interface Declaration {
  name: string;
  at: number;
  /** The text before it back to the previous declaration (annotations). */
  head: string;
  body: string;
}

function declarationsOf(content: string): Declaration[] {
  const found = [
    ...content.matchAll(
      /\b(?:class|object|struct)\s+([A-Z][\w$]*)|\bdefmodule\s+((?:\w+\.)*[A-Z]\w*)|\btype\s+([A-Z]\w*)\s+struct\b/g,
    ),
  ]
    .map(m => ({
      // Ecto's module is named by its last part (`Shop.Order` → `Order`).
      name: (m[1] ?? m[2] ?? m[3]).split('.').at(-1)!,
      at: m.index ?? 0,
    }))
    // A model's own nested options (Django's `class Meta`) are its body.
    .filter(d => !/^(?:Meta|Config)$/.test(d.name));
  return found.map((d, i) => {
    const previous = i > 0 ? found[i - 1].at : 0;
    const end = i + 1 < found.length ? found[i + 1].at : content.length;
    return {
      ...d,
      head: annotationsBefore(
        content.slice(Math.max(previous, d.at - 800), d.at),
      ),
      body: content.slice(d.at, end),
    };
  });
}

/**
 * The lines right before a declaration that annotate it (`@Entity`,
 * `#[ORM\Table(…)]`, their arguments over lines, a doc comment, modifiers),
 * not the previous class's body.
 */
function annotationsBefore(text: string): string {
  const lines = text.split('\n');
  let from = lines.length - 1;
  while (
    from > 0 &&
    /^\s*(?:[@#*/)\]}]|[\w\s]*[:=]|.*,\s*$)/.test(lines[from - 1]) &&
    !/^\s*}\s*$/.test(lines[from - 1])
  )
    from--;
  return lines.slice(from).join('\n');
}

/** Names a table in the declaration itself, explicitly. */
const EXPLICIT_TABLE =
  /@Table\s*\(|@Entity\s*\(\s*(?:["'`]|\{[^}]{0,500}?\b(?:name|tableName)\s*:)|ORM\\Table\b|\b(?:__tablename__|db_table|table_name|tableName)\s*[:=]|\$table\s*=|\bTableName\s*\(|\bschema\s+["']/;

/**
 * Whether `d` is a model of the dataset: mapped to it by name
 * ({@link ormClassesOf}, passed as `named`) or, in the default schema and
 * naming no table itself, by its ORM's convention: Active Record's, GORM's and
 * Eloquent's plural (`Order` → `orders`), JPA's (Spring's naming), TypeORM's,
 * MikroORM's and Doctrine's (Symfony's naming) snake_case class name, Django's
 * `<app>_<model>`.
 */
function modelOfDataset(
  d: Declaration,
  named: string[],
  target: DatasetTarget,
  style: 'plural' | 'snake' | 'django',
): boolean {
  if (named.includes(d.name)) return true;
  if (target.schema.toLowerCase() !== 'public') return false;
  if (EXPLICIT_TABLE.test(d.head) || EXPLICIT_TABLE.test(d.body)) return false;
  if (style === 'plural') return modelClassNames(target.table).includes(d.name);
  if (style === 'snake') return snake(d.name) === target.table;
  return target.table.endsWith(`_${d.name.toLowerCase()}`);
}

/** The relations' owning side in JPA, Doctrine, TypeORM and MikroORM. */
const RELATION_ANNOTATION =
  /(?:@|#\[\s*(?:ORM\\)?|@ORM\\)(ManyToOne|OneToOne)\b/g;

/** The property an annotation group is on (PHP, TypeScript, Kotlin, Java). */
const PROPERTY =
  /(?:\$(\w+)\s*[;=]|^\s*(?:(?:public|private|protected|readonly|declare)\s+)*(\w+)\s*[!?]?\s*:\s*(?:Rel<|Ref<|Reference<|IdentifiedReference<|Promise<)?\s*[A-Z]|\b(?:var|val)\s+(\w+)\s*:|^\s*(?:(?:public|private|protected|final|transient)\s+)*[A-Z][\w.<>?, ]*\s+(\w+)\s*[;=])/m;

/** Derived columns of one model declaration of the dataset. */
function derivedIn(
  content: string,
  d: Declaration,
  named: string[],
  target: DatasetTarget,
): DerivedColumn[] {
  const out: DerivedColumn[] = [];
  const { body } = d;
  const add = (
    columns: string[],
    how: string,
    remedy: string,
    offset: number,
  ) =>
    out.push({
      model: d.name,
      columns: [...new Set(columns)],
      how,
      remedy,
      at: d.at + offset,
    });
  const { head } = d;
  const python = /^\s*class\s+\w+\s*\([^)]*\bModel\b/.test(body);
  const ruby =
    /^\s*class\s+\w+\s*<\s*(?:ApplicationRecord|ActiveRecord::Base|\w+)/.test(
      body,
    ) && /^[ \t]*end\b/m.test(body);
  const go = /^\s*type\s+\w+\s+struct\b/.test(body);
  const elixir = /^\s*defmodule\b/.test(body);
  const laravel =
    /^\s*class\s+\w+\s+extends\s+(?:[\w\\]*\\)?(?:Model|Authenticatable|Pivot)\b/.test(
      body,
    );
  const annotated = /@Entity\b|ORM\\Entity\b|#\[\s*Entity\b/.test(head);

  // Django: a ForeignKey or OneToOneField reads `<name>_id`.
  if (python && modelOfDataset(d, named, target, 'django'))
    for (const m of body.matchAll(
      /^[ \t]*(\w+)\s*(?::[^=\n\r]*)?=\s*(?:models\s*\.\s*)?(ForeignKey|OneToOneField)\s*\(/gm,
    )) {
      const args = callArguments(body, (m.index ?? 0) + m[0].length - 1);
      if (/\bdb_column\s*=/.test(args)) continue;
      add(
        [`${m[1]}_id`],
        `Django's ${m[2]} "${m[1]}" (Django reads the column as the field's name with "_id")`,
        `give the field db_column="<new>"`,
        m.index ?? 0,
      );
    }

  // JPA/Hibernate, Doctrine, TypeORM, MikroORM: an owning @ManyToOne or
  // @OneToOne with no join column named.
  if (
    !python &&
    !ruby &&
    !go &&
    !elixir &&
    !laravel &&
    (named.includes(d.name) ||
      (annotated && modelOfDataset(d, named, target, 'snake')))
  ) {
    const annotations = [...body.matchAll(RELATION_ANNOTATION)];
    annotations.forEach((m, i) => {
      const from = m.index ?? 0;
      const next = annotations[i + 1]?.index ?? body.length;
      const window = body.slice(from, Math.min(next, from + 800));
      // The property after the annotations: past the relation's own call.
      const open = body.indexOf('(', from + m[0].length);
      const argsEnd =
        open >= 0 && /^\s*$/.test(body.slice(from + m[0].length, open))
          ? open - from + callArguments(body, open, 800).length + 2
          : m[0].length;
      const property = PROPERTY.exec(window.slice(argsEnd));
      if (!property) return;
      const name = property[1] ?? property[2] ?? property[3] ?? property[4];
      const group = window.slice(0, argsEnd + property.index);
      if (
        /\bmappedBy\b|@JoinColumns\b|JoinTable\b|@MapsId\b|PrimaryKeyJoinColumn|\bfieldNames?\s*:|\bjoinColumns?\s*:|JoinColumn\s*\([^)]*\bname\s*[:=]|JoinColumn\s*\(\s*\{[^}]*\bname\s*:/.test(
          group,
        )
      )
        return;
      const php = property[1] !== undefined;
      const ts =
        !php &&
        (/from\s+['"](?:typeorm|@mikro-orm\/[\w-]+)['"]/.test(content) ||
          /^(?:ManyToOne|OneToOne)\s*\(\s*(?:\(\s*\)\s*=>|\{[^}]*\bentity\s*:|['"])/.test(
            body.slice(from + m[0].length - m[1].length),
          ));
      if (ts) {
        const mikro = /@mikro-orm\//.test(content);
        // TypeORM's inverse @OneToOne has no @JoinColumn.
        if (!mikro && m[1] === 'OneToOne' && !/@JoinColumn\b/.test(group))
          return;
        add(
          mikro ? [`${snake(name)}_id`] : [`${name}Id`, `${snake(name)}_id`],
          mikro
            ? `MikroORM's @${
                m[1]
              } "${name}" (its naming strategy reads the column "${snake(
                name,
              )}_id")`
            : `TypeORM's @${
                m[1]
              } "${name}" (TypeORM reads the column "${name}Id", or "${snake(
                name,
              )}_id" under a snake_case naming strategy)`,
          mikro
            ? `give the relation fieldName: '<new>'`
            : `add @JoinColumn({ name: '<new>' }) to the relation`,
          from,
        );
        return;
      }
      add(
        [`${snake(name)}_id`, `${name}_id`.toLowerCase()],
        php
          ? `Doctrine's ${m[1]} "$${name}" (its default join column is the property's name with "_id")`
          : `JPA's @${m[1]} "${name}" (its default @JoinColumn is the property's name, "_", the referenced key's column)`,
        php
          ? `give the relation #[ORM\\JoinColumn(name: '<new>')]`
          : `add @JoinColumn(name = "<new>") to the relation`,
        from,
      );
    });
  }

  // Ecto: belongs_to reads `<name>_id`; timestamps() inserted_at, updated_at.
  if (elixir && named.includes(d.name)) {
    for (const m of body.matchAll(
      /^[ \t]*belongs_to\s*(?:\(\s*)?:(\w+)\s*,[^\n]*(?:,[ \t]*\n[^\n]*)*/gm,
    )) {
      if (/\b(?:foreign_key|define_field):/.test(m[0])) continue;
      add(
        [`${m[1]}_id`],
        `Ecto's belongs_to :${m[1]} (the field and column "${m[1]}_id")`,
        `give belongs_to foreign_key: :<new> (and the field's source)`,
        m.index ?? 0,
      );
    }
    const stamps = /^[ \t]*timestamps\b\s*(\(([^)]*)\))?/m.exec(body);
    if (stamps) {
      const opts = `${stamps[2] ?? ''} ${
        /@timestamps_opts\s*\[([^\]]*)\]/.exec(body)?.[1] ?? ''
      }`;
      for (const column of ['inserted_at', 'updated_at'])
        if (!new RegExp(`\\b${column}(?:_source)?:`).test(opts))
          add(
            [column],
            `Ecto's timestamps() (it reads and writes "${column}" on every load and insert)`,
            `give timestamps() ${column}_source: :<new>`,
            stamps.index,
          );
    }
  }

  // Active Record: belongs_to reads `<name>_id` (and `<name>_type` when
  // polymorphic); paranoia's and discard's soft-delete columns. Its own
  // timestamps are written only where the columns exist: a rename of them
  // does not break it.
  if (ruby && modelOfDataset(d, named, target, 'plural')) {
    for (const m of body.matchAll(
      /^[ \t]*belongs_to\s*(?:\(\s*)?:(\w+)([^\n]*)/gm,
    )) {
      if (/\bforeign_key:|:foreign_key\s*=>/.test(m[2])) continue;
      const polymorphic = /\bpolymorphic:\s*true/.test(m[2]);
      add(
        [`${m[1]}_id`],
        `Active Record's belongs_to :${m[1]} (its foreign key "${m[1]}_id")`,
        `give belongs_to foreign_key: :<new>`,
        m.index ?? 0,
      );
      if (polymorphic)
        add(
          [`${m[1]}_type`],
          `Active Record's polymorphic belongs_to :${m[1]} (its type column "${m[1]}_type")`,
          `give belongs_to foreign_type: :<new>`,
          m.index ?? 0,
        );
    }
    const paranoid = /^[ \t]*acts_as_paranoid\b([^\n]*)/m.exec(body);
    if (paranoid && !/\bcolumn:/.test(paranoid[1]))
      add(
        ['deleted_at'],
        `paranoia's acts_as_paranoid (its default scope reads "deleted_at")`,
        `give acts_as_paranoid column: :<new>`,
        paranoid.index,
      );
    const discard = /\binclude\s+Discard::Model\b/.exec(body);
    if (discard && !/\bdiscard_column\b/.test(body))
      add(
        ['discarded_at'],
        `discard's Discard::Model (it reads and writes "discarded_at")`,
        `set self.discard_column = :<new>`,
        discard.index,
      );
  }

  // GORM: an embedded gorm.Model is ID, CreatedAt, UpdatedAt, DeletedAt.
  if (go && modelOfDataset(d, named, target, 'plural')) {
    const struct = body.slice(0, (/\n\}/.exec(body)?.index ?? body.length) + 2);
    const embedded =
      /^[ \t]*gorm\s*\.\s*Model\b[ \t]*(?:`[^`\n]*`)?[ \t]*$/m.exec(struct);
    if (embedded)
      for (const column of ['id', 'created_at', 'updated_at', 'deleted_at'])
        add(
          [column],
          `GORM's embedded gorm.Model (its fields ID, CreatedAt, UpdatedAt, DeletedAt are the columns id, created_at, updated_at, deleted_at; every query of the model filters on deleted_at)`,
          'replace gorm.Model by its fields, tagging the changed one `gorm:"column:<new>"`',
          embedded.index,
        );
  }

  // Eloquent: timestamps and SoftDeletes; belongsTo reads `<method>_id`.
  if (laravel && modelOfDataset(d, named, target, 'plural')) {
    const stampsOff = /\$timestamps\s*=\s*false\b/.test(body);
    for (const [column, constant] of [
      ['created_at', 'CREATED_AT'],
      ['updated_at', 'UPDATED_AT'],
    ])
      if (!stampsOff && !new RegExp(`\\bconst\\s+${constant}\\b`).test(body))
        add(
          [column],
          `Eloquent's timestamps (it writes "${column}" on every save)`,
          `set const ${constant} = '<new>'`,
          0,
        );
    const soft = /^[ \t]*use\s+(?:[^;\s][^;\n]*)?\bSoftDeletes\b/m.exec(body);
    if (soft && !/\bconst\s+DELETED_AT\b/.test(body))
      add(
        ['deleted_at'],
        `Eloquent's SoftDeletes (every query of the model reads "deleted_at")`,
        `set const DELETED_AT = '<new>'`,
        soft.index,
      );
    for (const m of body.matchAll(
      /\bfunction\s+(\w+)\s*\([^)]*\)[^{]*\{\s*return\s+\$this\s*->\s*belongsTo\s*\(/g,
    )) {
      const args = callArguments(body, (m.index ?? 0) + m[0].length - 1);
      // A foreign key given is spelled in the file.
      if (/,/.test(args.replace(/\([^()]*\)/g, ''))) continue;
      add(
        [`${snake(m[1])}_id`],
        `Eloquent's belongsTo in ${m[1]}() (its foreign key is the method's name in snake_case with "_id")`,
        `give belongsTo the foreign key '<new>'`,
        m.index ?? 0,
      );
    }
  }
  return out;
}

/** Sequelize's models of the dataset: `define('Order', …)`, `Order.init(…)`. */
function sequelizeDerived(content: string, named: string[]): DerivedColumn[] {
  const out: DerivedColumn[] = [];
  const n = named.map(escapeRegExp).join('|');
  if (!n) return out;
  for (const m of content.matchAll(
    new RegExp(
      String.raw`\bdefine\s*\(\s*["'](${n})["']\s*,|(?<![\w$.])(${n})\s*\.\s*init\s*\(`,
      'g',
    ),
  )) {
    const model = m[1] ?? m[2];
    const open = content.lastIndexOf('(', (m.index ?? 0) + m[0].length);
    const call = callArguments(content, open, 5000);
    if (!/\b(?:tableName|modelName|sequelize)\b/.test(call) && !m[1]) continue;
    const underscored = /\bunderscored\s*:\s*true\b/.test(call);
    const name = (camel: string) =>
      underscored ? [snake(camel)] : [camel, snake(camel)];
    const stamps = !/\btimestamps\s*:\s*false\b/.test(call);
    const at = m.index ?? 0;
    const columns: string[] = [];
    for (const camel of ['createdAt', 'updatedAt'])
      if (stamps && !new RegExp(`\\b${camel}\\s*:`).test(call))
        columns.push(camel);
    if (/\bparanoid\s*:\s*true\b/.test(call) && !/\bdeletedAt\s*:/.test(call))
      columns.push('deletedAt');
    for (const camel of columns)
      out.push({
        model,
        columns: name(camel),
        how: `Sequelize's ${
          camel === 'deletedAt' ? 'paranoid' : 'timestamps'
        } (it reads and writes "${camel}"${
          underscored ? ` as "${snake(camel)}" (underscored)` : ''
        } on every query of the model)`,
        remedy: `set the model's option ${camel}: '<new>'`,
        at,
      });
  }
  // `Order.belongsTo(Customer)`, or `this.belongsTo(…)` in its class.
  const classes = [...content.matchAll(/\bclass\s+([A-Z][\w$]*)/g)];
  // Matches come in order: the class declared last before each, read on.
  let c = -1;
  for (const m of content.matchAll(
    new RegExp(
      String.raw`(?<![\w$.])(${n}|this)\s*\.\s*belongsTo\s*\(\s*(?:[\w$]+\s*\.\s*)?([A-Z][\w$]*)`,
      'g',
    ),
  )) {
    let model = m[1];
    if (model === 'this') {
      while (
        c + 1 < classes.length &&
        (classes[c + 1].index ?? 0) < (m.index ?? 0)
      )
        c++;
      const cls = classes[c];
      if (!cls || !named.includes(cls[1])) continue;
      model = cls[1];
    }
    const open = content.indexOf('(', m.index ?? 0);
    const args = callArguments(content, open);
    if (/\bforeignKey\s*:/.test(args)) continue;
    const as = /\bas\s*:\s*["'](\w+)["']/.exec(args)?.[1] ?? m[2];
    out.push({
      model,
      columns: [`${as}Id`, `${snake(as)}_id`],
      how: `Sequelize's belongsTo ${m[2]}${
        as !== m[2] ? ` as ${as}` : ''
      } (its foreign key "${as}Id", or "${snake(as)}_id" underscored)`,
      remedy: `give belongsTo foreignKey: '<new>'`,
      at: m.index ?? 0,
    });
  }
  return out;
}

/** Every derived column of the file's models of the dataset. */
function derivedColumnsOf(
  content: string,
  target: DatasetTarget,
): DerivedColumn[] {
  const named = [...ormClassesOf(content, target.table, target.schema)];
  return [
    ...declarationsOf(content).flatMap(d =>
      derivedIn(content, d, named, target),
    ),
    ...sequelizeDerived(content, named),
  ];
}

/**
 * The derived columns ({@link derivedColumnsOf}) the migration renames or
 * drops: after contract their old names are gone, and the ORM, which spells
 * them nowhere in the code, still reads them on every query of the model.
 */
export function changedDerivedColumns(
  content: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): { what: string[]; lines: number[]; reasons: string[] } {
  const changed = new Map<string, string | undefined>();
  for (const [field, m] of mapping.byField)
    if (m.kind === 'renamed' || m.kind === 'reused') changed.set(field, m.to);
    else if (m.kind === 'dropped') changed.set(field, undefined);
  const out = {
    what: [] as string[],
    lines: [] as number[],
    reasons: [] as string[],
  };
  if (changed.size === 0) return out;
  const fields = [...changed.keys()];
  const lines = new Set<number>();
  for (const derived of derivedColumnsOf(content, target)) {
    const field = fields.find(f =>
      derived.columns.some(c => c === f || c.toLowerCase() === f),
    );
    if (field === undefined) continue;
    const to = changed.get(field);
    const what = `"${field}", which ${derived.model} reads without the code naming it: ${derived.how}`;
    if (out.what.includes(what)) continue;
    out.what.push(what);
    lines.add(positionOf(content, derived.at).line);
    out.reasons.push(
      to === undefined
        ? `the migration drops "${field}": from contract every query of ${derived.model} still reads it and fails; take it out of the model before contract (remove the relation, or turn the ORM's option off), or keep the field`
        : `the migration renames "${field}" to "${to}": from contract every query of ${
            derived.model
          } still reads "${field}" and fails; as contract runs (the name serves "${field}" until then) ${derived.remedy.replace(
            /<new>/g,
            to,
          )}, or keep the field`,
    );
  }
  out.lines = [...lines].sort((a, b) => a - b);
  return out;
}
