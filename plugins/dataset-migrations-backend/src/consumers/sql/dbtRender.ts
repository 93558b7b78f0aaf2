/**
 * Renders a dbt model's Jinja as dbt compiles it, closely enough to run the SQL:
 * the project's macros and those of its installed packages (`dbt_utils.…`),
 * with `return()` and `adapter.dispatch()` (dbt's search order: the project
 * first, then the macro's package; in each a macro's `postgres__`, then its
 * `default__` version), `ref()`, `source()`, `var()`, `config()`, `this`,
 * `target`, `is_incremental()` (false: a full build), `env_var()` with a default,
 * `execute`, dbt's own cross-database macros (`dbtInternalMacros.ts`), `{% do %}`,
 * loops and conditions. Rendered by @huggingface/jinja, an interpreter with
 * values of its own: a template reaches no JavaScript object, so a consumer's
 * file cannot run code in the backend. Whitespace is Jinja's default (dbt's): no
 * block trimming beyond `-` markers.
 *
 * What it does not know fails the render, with the reason, rather than render
 * something dbt would not: a name printed that nothing defines, a macro of a
 * package that is not installed, `adapter` beyond `dispatch`, `run_query`,
 * statements it does not parse. Work is bounded, so a hostile loop or recursion
 * ends as a failure too.
 */
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';
import type { DbtPackage, DbtProject } from './dbtProject';
import type { JinjaReference } from './dbtJinja';
import { bindArguments, DBT_INTERNAL_MACROS } from './dbtInternalMacros';

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
/** Items lists may gain in one render. */
const MAX_LIST_ITEMS = 20_000;
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

type Program = ReturnType<typeof parse>;

/**
 * Every value a step gives is bounded, not only the output: a string or a list
 * doubled in a loop (`ns.s ~ ns.s`, `xs + xs`, `| replace('a', 'aa')`) would
 * otherwise hold gigabytes within the steps allowed.
 */
function boundSize(value: RuntimeValue): void {
  const held = value.value as unknown;
  if (typeof held === 'string' && held.length > MAX_OUTPUT_CHARS)
    throw new Error(
      `a value grew past ${MAX_OUTPUT_CHARS} characters (a string doubled in a loop?)`,
    );
  let items = 0;
  if (Array.isArray(held)) items = held.length;
  else if (held instanceof Map) items = held.size;
  if (items > MAX_LIST_ITEMS)
    throw new Error(
      `a value grew past ${MAX_LIST_ITEMS} items (a list doubled in a loop?)`,
    );
}
type Token = ReturnType<typeof tokenize>[number];

/** Where a `{% do %}` puts the value it discards: no name dbt code uses. */
const DO_RESULT = '__do_result__';

/**
 * dbt's `{% do expr %}` (Jinja's "do" extension) evaluates an expression for its
 * effect (`fields.append(…)`); the engine has no such statement, so it becomes
 * `{% set <unused> = expr %}`, which evaluates it and prints nothing.
 */
function withDo(tokens: Token[]): Token[] {
  return tokens.flatMap((token, i) =>
    token.type === 'Identifier' &&
    token.value === 'do' &&
    tokens[i - 1]?.type === 'OpenStatement'
      ? [
          { ...token, value: 'set' },
          { ...token, value: DO_RESULT },
          { ...token, type: 'Equals', value: '=' },
        ]
      : [token],
  ) as Token[];
}

/**
 * Takes down the names dbt resolves in a model's context (the project's macros
 * over dbt's) once every macro is defined and before the model runs: the model's
 * own `{% set %}`s write to the same environment, and they do not reach macros.
 */
const modelContexts = new WeakMap<Environment, () => void>();

/** A project's or package's macro files, parsed once however many models render with them. */
const parsedMacros = new WeakMap<DbtProject | DbtPackage, Program[]>();

function macroPrograms(owner: DbtProject | DbtPackage): Program[] {
  let programs = parsedMacros.get(owner);
  if (!programs) {
    programs = owner.macros.flatMap(file => {
      const program = parseTemplate(file.content);
      if (!program) return [];
      // dbt takes each `{% macro %}` block of the file on its own: anything
      // around them (a top-level `{% set %}`) is never run, nor seen by a macro.
      program.body = program.body.filter(node => node.type === 'Macro');
      return [program];
    });
    parsedMacros.set(owner, programs);
  }
  return programs;
}

/**
 * An installed package's macros, as the namespace `name` (`dbt_utils.star`).
 * Defined apart from the project's, so neither replaces the other's; called,
 * they read names where the model does, as in dbt, where a package's macro runs
 * in the model's context (which is why packages call their own macros by
 * their namespace).
 */
function definePackage(
  env: Environment,
  interpreter: Interpreter,
  name: string,
  pkg: DbtPackage,
): void {
  // A package named like a global (`dbt`, `adapter`…) would hide it.
  if (env.variables.has(name)) return;
  const own = new Environment(env);
  for (const program of macroPrograms(pkg)) interpreter.evaluate(program, own);
  env.set(name, {});
  const namespace = (
    env.lookupVariable(name) as { value: Map<string, unknown> }
  ).value;
  for (const [macro, value] of own.variables)
    if (value.type === 'FunctionValue' && macro !== 'namespace')
      namespace.set(macro, value);
}

function parseTemplate(text: string, required = false): Program | undefined {
  try {
    return parse(
      withDo(tokenize(text, { trim_blocks: false, lstrip_blocks: false })),
    );
  } catch (error) {
    if (required)
      throw new Error(`its Jinja does not parse: ${(error as Error).message}`);
    return undefined;
  }
}

/** The project in a search order when dbt_project.yml names none: no package's name. */
const ROOT = '\0root';

/** dbt's `return(x)`: ends the macro it is called in, which gives `x`. */
class MacroReturn {
  constructor(readonly value: RuntimeValue) {}
}

function modelEnvironment(options: DbtRenderOptions): Environment {
  const env = new Environment();
  const { project } = options;
  let rangeItems = 0;
  const globals: Record<string, unknown> = {
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
  for (const [name, value] of Object.entries(globals)) env.set(name, value);
  // These take and give macros, which are the engine's values, not JavaScript's.
  env.set('adapter', { dispatch: null });
  env.set('return', null);
  env.set('dbt', {});
  const Macro = functionValueClass(env);
  const member = (object: string) =>
    (env.lookupVariable(object) as { value: Map<string, RuntimeValue> }).value;
  const dbt = member('dbt');
  const dispatched = new Map<string, RuntimeValue>();
  /** See {@link modelContexts}. */
  const modelContext = new Map<string, RuntimeValue>();
  const rootMacros = new Set(
    macroPrograms(project).flatMap(program =>
      program.body.map(
        node => (node as unknown as { name: { value: string } }).name.value,
      ),
    ),
  );
  for (const [name, internal] of Object.entries(DBT_INTERNAL_MACROS)) {
    const macro = new Macro((args, scope) =>
      dispatch(name, 'dbt', scope).value(args, scope),
    );
    dispatched.set(name, macro);
    dbt.set(name, macro);
    const version = `${internal.prefix}${name}`;
    const implementation = new Macro((args, scope) => {
      // Another macro it calls: `dbt.x` is dbt's, dispatched as dbt would; a
      // bare name is looked up where dbt looks it up, in the context the model
      // renders in (its project's macros over dbt's), not in the caller's sets.
      const call = (callee: string, ...values: unknown[]) => {
        const target = (
          callee.startsWith('dbt.')
            ? dispatched.get(callee.slice('dbt.'.length))
            : modelContext.get(callee)
        ) as { type?: string; value: MacroBody } | undefined;
        if (target?.type !== 'FunctionValue')
          throw new Error(`${callee} is no macro known here`);
        const scratch = new Environment(scope);
        return String(
          target.value(
            values.map((v, i) => scratch.set(`_${i}`, v)),
            scope,
          ).value,
        );
      };
      const values = args.map(a => a.value);
      return new Environment(scope).set(
        'sql',
        internal.render(bindArguments(name, internal, values), call),
      );
    });
    dbt.set(version, implementation);
    // dbt's own macros are also global, below the project's, which replace
    // them: dbt's namespace ends with its internal packages' macros, the
    // `postgres__` and `default__` versions included.
    env.setVariable(name, macro);
    env.setVariable(version, implementation);
  }
  modelContexts.set(env, () => {
    for (const name of [...rootMacros, ...Object.keys(DBT_INTERNAL_MACROS)])
      modelContext.set(name, env.lookupVariable(name));
  });

  /**
   * dbt's `adapter.dispatch(name, namespace)`: the packages to search are the
   * project's `dispatch:` search order for the namespace, else the project and
   * then the namespace (a package installed, or `dbt`), else wherever a name
   * resolves in the model; in each, `postgres__name`, then `default__name`
   * (dbt-core's `_get_search_packages`; the project's own `default__` comes
   * before dbt's `postgres__`).
   */
  function dispatch(
    name: string,
    namespace: string | null,
    scope: Environment,
  ): { value: MacroBody } {
    const searched: string[] = [];
    for (const pkg of searchOrder(namespace))
      for (const prefix of ['postgres__', 'default__']) {
        searched.push(`${pkg ? `${pkg}.` : ''}${prefix}${name}`);
        const macro = macroIn(pkg, `${prefix}${name}`, scope);
        if (macro?.type === 'FunctionValue')
          return macro as unknown as { value: MacroBody };
      }
    throw new Error(
      `adapter.dispatch('${name}'${
        namespace ? `, '${namespace}'` : ''
      }) finds none of ${searched.join(', ')}`,
    );
  }

  function searchOrder(namespace: string | null): Array<string | null> {
    if (namespace === null) return [null];
    const configured = project.dispatch.get(namespace);
    if (configured?.length) return configured;
    if (
      namespace === 'dbt' ||
      namespace === project.name ||
      project.packages.has(namespace)
    )
      return [project.name ?? ROOT, namespace];
    return [null];
  }

  /**
   * A macro of a package, of the project (its own macros only: dbt's global
   * names are not the project's), or as the model resolves it (null).
   */
  function macroIn(
    pkg: string | null,
    name: string,
    scope: Environment,
  ): RuntimeValue | undefined {
    if (pkg === null) return scope.lookupVariable(name);
    if (pkg === project.name || pkg === ROOT)
      return rootMacros.has(name) ? env.lookupVariable(name) : undefined;
    if (pkg === 'dbt' || project.packages.has(pkg))
      return member(pkg).get(name);
    return undefined;
  }

  member('adapter').set(
    'dispatch',
    new Macro(([name, namespace], scope) => {
      if (typeof name?.value !== 'string')
        throw new Error('adapter.dispatch() needs a macro name');
      const ns = namespaceArgument(namespace);
      return dispatch(name.value, ns, scope) as unknown as RuntimeValue;
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

/** `adapter.dispatch`'s second argument, given by position or as `macro_namespace=`. */
function namespaceArgument(arg: RuntimeValue | undefined): string | null {
  const value =
    arg?.type === 'KeywordArgumentsValue'
      ? (arg.value as Map<string, RuntimeValue>).get('macro_namespace')?.value
      : arg?.value;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw new Error('adapter.dispatch() needs a macro namespace as a string');
  return value;
}

type RuntimeValue = ReturnType<Interpreter['run']>;
type MacroBody = (args: RuntimeValue[], scope: Environment) => RuntimeValue;
type FunctionValueClass = new (body: MacroBody) => RuntimeValue;

/** The engine's class of callable values (not exported): a function set in `env` has it. */
function functionValueClass(env: Environment): FunctionValueClass {
  return env.lookupVariable('config').constructor as FunctionValueClass;
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
  /** Items `append()` and `extend()` added in this render. */
  private listItems = 0;
  /** The statements of blocks being rendered: their values are printed. */
  private readonly printed = new WeakSet<object>();

  constructor(env: Environment, private readonly project: DbtProject) {
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
    const method = this.listMethod(statement, environment);
    if (method) return method;
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
        throw new Error(this.unknownCallee(callee, environment));
      throw error;
    }
    if (
      value.type === 'UndefinedValue' &&
      statement &&
      this.printed.has(statement) &&
      isExpression(statement)
    )
      throw new Error(`${describe(statement)} is undefined`);
    boundSize(value);
    return value;
  }

  /**
   * A list's `append(x)` and `extend(xs)`, which dbt macros build SQL with
   * (`{% do fields.append(…) %}`); the engine's lists have no methods.
   */
  private listMethod(
    statement: Statement,
    environment: Environment,
  ): RuntimeValue | undefined {
    const node = statement as {
      type?: string;
      computed?: boolean;
      object?: Statement;
      property?: { value?: unknown };
    };
    const name = node.property?.value;
    if (
      node.type !== 'MemberExpression' ||
      node.computed ||
      (name !== 'append' && name !== 'extend')
    )
      return undefined;
    const list = this.evaluate(node.object!, environment);
    if (list.type !== 'ArrayValue') return undefined;
    const Macro = functionValueClass(this.global);
    const items = list.value as RuntimeValue[];
    return new Macro(([item]) => {
      let added: RuntimeValue[] | undefined;
      if (name === 'append') added = [item];
      else if (item?.type === 'ArrayValue' || item?.type === 'TupleValue')
        added = item.value as RuntimeValue[];
      if (!added) throw new Error('extend() needs a list');
      // A list extended by itself doubles: bounded like range().
      this.listItems += added.length;
      if (this.listItems > MAX_LIST_ITEMS)
        throw new Error(`lists grew by more than ${MAX_LIST_ITEMS} items`);
      items.push(...added);
      // The engine keeps a list's length among its cached attributes.
      (list as { _builtins?: unknown })._builtins = undefined;
      return this.global.lookupVariable('none');
    });
  }

  /** Why a call failed: a package not installed, a macro its package lacks, or a name nothing defines. */
  private unknownCallee(callee: Statement, environment: Environment): string {
    const node = callee as {
      type?: string;
      object?: { type?: string; value?: unknown };
      property?: { value?: unknown };
    };
    const pkg = node.object?.value;
    if (
      node.type === 'MemberExpression' &&
      node.object?.type === 'Identifier' &&
      typeof pkg === 'string'
    ) {
      const macro = `${pkg}.${String(node.property?.value)}`;
      if (this.project.packages.has(pkg))
        return `${macro} is no macro of the package ${pkg} installed under ${
          this.project.packages.get(pkg)!.dir
        }`;
      if (
        this.project.declaredPackages.has(pkg) &&
        environment.lookupVariable(pkg).type === 'UndefinedValue'
      )
        return `${macro} is a macro of the package ${pkg}, which packages.yml names and the repository does not hold installed (\`dbt deps\` puts it under dbt_packages/)`;
    }
    return `${describe(
      callee,
    )} is no macro or function known here (a package's macro?)`;
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

export function renderDbtModel(
  content: string,
  options: DbtRenderOptions,
): DbtRender {
  const env = modelEnvironment(options);
  const interpreter = new BoundedInterpreter(env, options.project);
  try {
    // Macros are global in dbt: each file defines its macros for every model. A
    // file this engine cannot parse defines nothing; calling its macros fails.
    for (const program of macroPrograms(options.project))
      interpreter.run(program);
    for (const [name, pkg] of options.project.packages)
      definePackage(env, interpreter, name, pkg);
    modelContexts.get(env)?.();
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
