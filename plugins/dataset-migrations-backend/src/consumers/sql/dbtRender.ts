/**
 * Renders a dbt model's Jinja as dbt compiles it, closely enough to run the SQL:
 * the project's macros (with `return()` and `adapter.dispatch()`, which picks a
 * macro's `postgres__` or `default__` version), `ref()`, `source()`, `var()`,
 * `config()`, `this`, `target`, `is_incremental()` (false: a full build),
 * `env_var()` with a default, `execute`, `dbt.date_trunc()`, loops and conditions. Rendered by @huggingface/jinja, an interpreter
 * with values of its own: a template reaches no JavaScript object, so a consumer's
 * file cannot run code in the backend. Whitespace is Jinja's default (dbt's): no
 * block trimming beyond `-` markers.
 *
 * What it does not know fails the render, with the reason, rather than render
 * something dbt would not: a name printed that nothing defines, a package's macro
 * (`dbt_utils.…`), `adapter` beyond `dispatch`, `run_query`, statements it does
 * not parse. Work is
 * bounded, so a hostile loop or recursion ends as a failure too.
 */
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import type { DbtProject } from './dbtProject';
import type { JinjaReference } from './dbtJinja';

export type RelationReference = Extract<
  JinjaReference,
  { kind: 'ref' } | { kind: 'source' }
>;

export interface DbtRenderOptions {
  project: DbtProject;
  /** What `ref(model)` or `source(name, table)` renders as. */
  relation(reference: RelationReference): string;
  /** dbt's `target.schema` (and `target.type`: postgres). */
  targetSchema: string;
  /** The model's own relation, for `{{ this }}`. */
  self: string;
  /** Environment variables `env_var()` may read; others need a default. */
  env?: Record<string, string>;
}

export type DbtRender = { sql: string } | { unrendered: string };

/** Evaluation steps one render may take: far above any real model. */
const MAX_STEPS = 100_000;
/** Items `range()` may produce in one render. */
const MAX_RANGE_ITEMS = 20_000;
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

export function renderDbtModel(
  content: string,
  options: DbtRenderOptions,
): DbtRender {
  const interpreter = new BoundedInterpreter(environment(options));
  try {
    // Macros are global in dbt: each file defines its macros for every model. A
    // file this engine cannot parse defines nothing; calling its macros fails.
    for (const program of macroPrograms(options.project))
      interpreter.run(program);
    const program = parseTemplate(content, true);
    const sql = String(interpreter.run(program!).value);
    if (sql.length > MAX_OUTPUT_CHARS)
      return { unrendered: 'its rendered SQL is larger than 4 MiB' };
    return { sql };
  } catch (error) {
    if (error instanceof MacroReturn)
      return { unrendered: 'return() is called outside a macro' };
    return { unrendered: (error as Error).message || String(error) };
  }
}

type Program = ReturnType<typeof parse>;

/** A project's macro files, parsed once however many models render with them. */
const parsedMacros = new WeakMap<DbtProject, Program[]>();

function macroPrograms(project: DbtProject): Program[] {
  let programs = parsedMacros.get(project);
  if (!programs) {
    programs = project.macros.flatMap(
      file => parseTemplate(file.content) ?? [],
    );
    parsedMacros.set(project, programs);
  }
  return programs;
}

function parseTemplate(text: string, required = false): Program | undefined {
  try {
    return parse(tokenize(text, { trim_blocks: false, lstrip_blocks: false }));
  } catch (error) {
    if (required)
      throw new Error(`its Jinja does not parse: ${(error as Error).message}`);
    return undefined;
  }
}

function environment(options: DbtRenderOptions): Environment {
  const env = new Environment();
  const { project } = options;
  let rangeItems = 0;
  const values: Record<string, unknown> = {
    true: true,
    false: false,
    none: null,
    True: true,
    False: false,
    None: null,
    execute: true,
    this: options.self,
    target: {
      name: 'dev',
      type: 'postgres',
      schema: options.targetSchema,
      threads: 1,
    },
    range: (...args: unknown[]) => {
      const [start, stop, step = 1] =
        args.length === 1 ? [0, args[0], 1] : args;
      if (![start, stop, step].every(Number.isInteger) || step === 0)
        throw new Error('range() takes integers and a step other than 0');
      const count = Math.max(
        0,
        Math.ceil(((stop as number) - (start as number)) / (step as number)),
      );
      rangeItems += count;
      if (rangeItems > MAX_RANGE_ITEMS)
        throw new Error(`range() produced more than ${MAX_RANGE_ITEMS} items`);
      return Array.from(
        { length: count },
        (_, i) => (start as number) + i * (step as number),
      );
    },
    config: () => '',
    // dbt's own cross-database macros, as dbt-postgres renders them.
    dbt: {
      date_trunc: (datepart: unknown, date: unknown) => {
        if (typeof datepart !== 'string' || typeof date !== 'string')
          throw new Error('dbt.date_trunc() needs a date part and a column');
        return `date_trunc('${datepart}', ${date})`;
      },
    },
    log: () => '',
    is_incremental: () => false,
    ref: (...args: unknown[]) => {
      const names = positional(args);
      const model = names[names.length - 1];
      if (typeof model !== 'string')
        throw new Error('ref() needs a model name');
      return options.relation({ kind: 'ref', model });
    },
    source: (...args: unknown[]) => {
      const [source, table] = positional(args);
      if (typeof source !== 'string' || typeof table !== 'string')
        throw new Error('source() needs a source and a table name');
      return options.relation({ kind: 'source', source, table });
    },
    var: (...args: unknown[]) => {
      const [name, fallback] = positional(args);
      if (typeof name !== 'string') throw new Error('var() needs a name');
      if (name in project.vars) return project.vars[name];
      if (fallback !== undefined) return fallback;
      throw new Error(
        `var('${name}') is not set in dbt_project.yml and has no default`,
      );
    },
    env_var: (...args: unknown[]) => {
      const [name, fallback] = positional(args);
      if (typeof name !== 'string') throw new Error('env_var() needs a name');
      const value = options.env?.[name] ?? fallback;
      if (value === undefined)
        throw new Error(`env_var('${name}') is not set and has no default`);
      return value;
    },
  };
  for (const [name, value] of Object.entries(values)) env.set(name, value);
  // These two take and give macros, which are the engine's values, not JavaScript's.
  env.set('adapter', { dispatch: null });
  env.set('return', null);
  const Macro = functionValueClass(env);
  (env.lookupVariable('adapter') as { value: Map<string, unknown> }).value.set(
    'dispatch',
    new Macro(([name], scope) => {
      if (typeof name?.value !== 'string')
        throw new Error('adapter.dispatch() needs a macro name');
      for (const prefix of ['postgres__', 'default__']) {
        const macro = scope.lookupVariable(`${prefix}${name.value}`);
        if (macro.type === 'FunctionValue') return macro;
      }
      throw new Error(
        `adapter.dispatch('${name.value}') finds no postgres__ or default__ macro`,
      );
    }),
  );
  env.setVariable(
    'return',
    new Macro(([value]) => {
      throw new MacroReturn(value);
    }),
  );
  return env;
}

type RuntimeValue = ReturnType<Interpreter['run']>;
type MacroBody = (args: RuntimeValue[], scope: Environment) => RuntimeValue;
type FunctionValueClass = new (body: MacroBody) => RuntimeValue;

/** The engine's class of callable values (not exported): a function set in `env` has it. */
function functionValueClass(env: Environment): FunctionValueClass {
  return env.lookupVariable('config').constructor as FunctionValueClass;
}

/** dbt's `return(x)`: ends the macro it is called in, which gives `x`. */
class MacroReturn {
  constructor(readonly value: RuntimeValue) {}
}

/** Arguments without a trailing keyword-argument map (`var('x', default='y')` keeps `y`). */
function positional(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  if (!(last instanceof Map)) return args;
  const named = [...last.values()].map(v =>
    v && typeof v === 'object' && 'value' in v
      ? (v as { value: unknown }).value
      : v,
  );
  return [...args.slice(0, -1), ...named];
}

type Evaluate = Interpreter['evaluate'];
type Statement = Parameters<Evaluate>[0];

/**
 * Bounded in work, and strict where Jinja is lenient: printing something
 * undefined is an error (dbt would fail compiling), not an empty string.
 */
class BoundedInterpreter extends Interpreter {
  private steps = 0;
  /** The statements of blocks being rendered: their values are printed. */
  private readonly printed = new WeakSet<object>();

  constructor(env: Environment) {
    super(env);
    // evaluateBlock is private in the typings; it prints each statement's value.
    const self = this as unknown as {
      evaluateBlock(statements: Statement[], environment: Environment): unknown;
    };
    const evaluateBlock = self.evaluateBlock.bind(this);
    self.evaluateBlock = (statements, environment) => {
      for (const statement of statements)
        if (statement) this.printed.add(statement);
      return evaluateBlock(statements, environment);
    };
    // A macro that calls return() gives the returned value, as in dbt.
    const macros = this as unknown as {
      evaluateMacro(
        node: { name: { value: string } },
        environment: Environment,
      ): RuntimeValue;
    };
    const evaluateMacro = macros.evaluateMacro.bind(this);
    macros.evaluateMacro = (node, environment) => {
      const defined = evaluateMacro(node, environment);
      const macro = environment.lookupVariable(node.name.value) as {
        value: MacroBody;
      };
      const Macro = macro.constructor as FunctionValueClass;
      environment.setVariable(
        node.name.value,
        new Macro((args, scope) => {
          try {
            return macro.value(args, scope);
          } catch (signal) {
            if (signal instanceof MacroReturn) return signal.value;
            throw signal;
          }
        }),
      );
      return defined;
    };
  }

  evaluate(statement: Statement, environment: Environment) {
    if (++this.steps > MAX_STEPS)
      throw new Error(
        `rendering took more than ${MAX_STEPS} steps (a loop or recursion without end?)`,
      );
    let value;
    try {
      value = super.evaluate(statement, environment);
    } catch (error) {
      // The engine says only "not a function": name what was called.
      const callee = (statement as { callee?: Statement } | undefined)?.callee;
      if (
        callee &&
        /^Cannot call something that is not a function/.test(
          (error as Error).message ?? '',
        )
      )
        throw new Error(
          `${describe(
            callee,
          )} is no macro or function known here (a package's macro?)`,
        );
      throw error;
    }
    if (
      value.type === 'UndefinedValue' &&
      statement &&
      this.printed.has(statement) &&
      isExpression(statement)
    )
      throw new Error(`${describe(statement)} is undefined`);
    return value;
  }
}

/** A name, member or call: printed in `{{ … }}`, unlike a `{% … %}` statement. */
function isExpression(statement: Statement): boolean {
  const type = (statement as { type?: string } | undefined)?.type;
  return (
    type === 'Identifier' ||
    type === 'MemberExpression' ||
    type === 'CallExpression'
  );
}

function describe(statement: Statement): string {
  const node = statement as {
    type?: string;
    value?: unknown;
    object?: Statement;
    property?: Statement;
    callee?: Statement;
  };
  if (node.type === 'Identifier') return `'${String(node.value)}'`;
  if (node.type === 'MemberExpression')
    return `${describe(node.object)}.${describe(node.property).replace(
      /'/g,
      '',
    )}`;
  if (node.type === 'CallExpression') return `${describe(node.callee)}()`;
  return 'a value';
}
