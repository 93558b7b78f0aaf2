/**
 * A table's own row triggers (an `updated_at` stamp, an audit row): the new
 * version takes them over at cut-over when every field keeps its name and type,
 * the previous version's stop firing (the reverse trigger copies each write back
 * there), and a rollback gives them back. Each write runs each trigger once.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe("PostgresDatasetEngine on a table's own triggers", () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.accounts (
        id bigint PRIMARY KEY,
        name text NOT NULL,
        updated_at timestamptz
      )`);
    await knex.raw(`CREATE TABLE public.audit (id bigint, op text)`);
    await knex.raw(`
      CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.updated_at := '2030-01-01T00:00:00Z'; RETURN NEW; END $$`);
    await knex.raw(`
      CREATE FUNCTION public.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.audit VALUES (NEW.id, lower(TG_OP)); RETURN NULL; END $$`);
    await knex.raw(`
      CREATE TRIGGER accounts_stamp BEFORE INSERT OR UPDATE OF name ON public.accounts
        FOR EACH ROW WHEN (NEW.name IS NOT NULL) EXECUTE FUNCTION public.stamp()`);
    await knex.raw(`
      CREATE TRIGGER accounts_audit AFTER INSERT OR UPDATE ON public.accounts
        FOR EACH ROW EXECUTE FUNCTION public.audit_row()`);
    await knex.raw(
      `INSERT INTO public.accounts (id, name) VALUES (1, 'alice'), (2, 'bob')`,
    );
    await knex.raw(`TRUNCATE public.audit`);
    await knex.raw(`UPDATE public.accounts SET updated_at = NULL`);
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const added: FieldChange[] = [
    { addField: { name: 'source', type: 'text', default: 'app' } },
  ];

  /** Writes through the name; answers the audit rows and stamps they left. */
  async function write(id: number, name: string) {
    await knex.raw(`TRUNCATE public.audit`);
    await knex.raw(`INSERT INTO public.accounts (id, name) VALUES (?, ?)`, [
      id,
      `${name}0`,
    ]);
    await knex.raw(`UPDATE public.accounts SET name = ? WHERE id = ?`, [
      name,
      id,
    ]);
    const audit = (
      await knex.raw(`SELECT id::int, op FROM public.audit ORDER BY op`)
    ).rows;
    const stamped = (
      await knex.raw(
        `SELECT name, updated_at IS NOT NULL AS stamped FROM public.accounts WHERE id = ?`,
        [id],
      )
    ).rows;
    return { audit, stamped };
  }
  const ranOnce = (id: number, name: string) => ({
    audit: [
      { id, op: 'insert' },
      { id, op: 'update' },
    ],
    stamped: [{ name, stamped: true }],
  });
  const triggersOn = async (table: string) =>
    (
      await knex.raw(
        `SELECT tgname AS name, tgenabled AS enabled FROM pg_trigger
          WHERE tgrelid = ?::regclass AND NOT tgisinternal AND tgname !~ '^dsm_'
          ORDER BY 1`,
        [table],
      )
    ).rows;

  it('runs them once per write through cut-over, a rollback, and a contract', async () => {
    const first = await engineRun(engine, 'public.accounts', added);
    await engine.plan(first.run);
    await engine.migrate(first.run);
    expect(await write(3, 'carol')).toEqual(ranOnce(3, 'carol'));
    expect(await triggersOn('public.accounts_v2')).toEqual([
      { name: 'accounts_audit', enabled: 'O' },
      { name: 'accounts_stamp', enabled: 'O' },
    ]);
    // The previous version holds the write, stamped, and ran nothing again.
    expect(
      (
        await knex.raw(
          `SELECT name, updated_at IS NOT NULL AS stamped FROM public.accounts_v1 WHERE id = 3`,
        )
      ).rows,
    ).toEqual([{ name: 'carol', stamped: true }]);

    await engine.rollback(first.run);
    expect(await triggersOn('public.accounts_v1')).toEqual([
      { name: 'accounts_audit', enabled: 'O' },
      { name: 'accounts_stamp', enabled: 'O' },
    ]);
    expect(await write(4, 'dave')).toEqual(ranOnce(4, 'dave'));

    const second = await engineRun(engine, 'public.accounts', added);
    await engine.migrate(second.run);
    await engine.contract(second.run);
    expect(await write(5, 'erin')).toEqual(ranOnce(5, 'erin'));
  });

  it('refuses them when a field changes name or type, naming both, and creates nothing', async () => {
    const { run } = await engineRun(engine, 'public.accounts', [
      { renameField: { from: 'updated_at', to: 'modified_at' } },
    ]);
    const refusal =
      'public.accounts has trigger "accounts_audit", trigger "accounts_stamp", whose function may read field "updated_at" by name; the engine carries triggers to the new version only when every field keeps its name and type';
    await expect(engine.plan(run)).rejects.toThrow(refusal);
    await expect(engine.migrate(run)).rejects.toThrow(refusal);
    expect(
      (await knex.raw(`SELECT to_regclass('public.accounts_v2') AS target`))
        .rows,
    ).toEqual([{ target: null }]);
  });

  it("carries contrib's moddatetime and PostgreSQL's own, and refuses tcn, a C function that names the table it fires on", async () => {
    await knex.raw(`CREATE EXTENSION moddatetime`);
    await knex.raw(`CREATE EXTENSION tcn`);
    await knex.raw(`DROP TRIGGER accounts_stamp ON public.accounts`);
    await knex.raw(`
      CREATE TRIGGER accounts_modified BEFORE UPDATE ON public.accounts
        FOR EACH ROW EXECUTE FUNCTION moddatetime(updated_at)`);
    await knex.raw(`
      CREATE TRIGGER accounts_notify AFTER INSERT ON public.accounts
        FOR EACH ROW EXECUTE FUNCTION triggered_change_notification()`);
    // PostgreSQL's own, in C too: carried.
    await knex.raw(`
      CREATE TRIGGER accounts_same BEFORE UPDATE ON public.accounts
        FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()`);
    const { run } = await engineRun(engine, 'public.accounts', added);
    await expect(engine.plan(run)).rejects.toThrow(
      'public.accounts has trigger "accounts_notify" (its function is in c, where the engine cannot see whether it reads which table it fires on); this engine cannot carry it',
    );
    await knex.raw(`DROP TRIGGER accounts_notify ON public.accounts`);
    await engine.migrate(run);
    expect(await triggersOn('public.accounts_v2')).toEqual([
      { name: 'accounts_audit', enabled: 'O' },
      { name: 'accounts_modified', enabled: 'O' },
      { name: 'accounts_same', enabled: 'O' },
    ]);
    await knex.raw(`UPDATE public.accounts SET name = 'alicia' WHERE id = 1`);
    expect(
      (
        await knex.raw(
          `SELECT updated_at IS NOT NULL AS stamped FROM public.accounts WHERE id = 1`,
        )
      ).rows,
    ).toEqual([{ stamped: true }]);
  });

  it('refuses one it cannot carry: per statement, or reading which table it fires on', async () => {
    await knex.raw(`
      CREATE FUNCTION public.log_table() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.audit VALUES (0, TG_TABLE_NAME); RETURN NULL; END $$`);
    await knex.raw(`
      CREATE FUNCTION public.log_oid() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.audit VALUES (0, NEW.tableoid::regclass::text); RETURN NULL; END $$`);
    await knex.raw(`
      CREATE TRIGGER accounts_oid AFTER INSERT ON public.accounts
        FOR EACH ROW EXECUTE FUNCTION public.log_oid()`);
    await knex.raw(`
      CREATE TRIGGER accounts_statement AFTER INSERT ON public.accounts
        FOR EACH STATEMENT EXECUTE FUNCTION public.audit_row()`);
    await knex.raw(`
      CREATE TRIGGER accounts_named AFTER INSERT ON public.accounts
        FOR EACH ROW EXECUTE FUNCTION public.log_table()`);
    const { run } = await engineRun(engine, 'public.accounts', added);
    await expect(engine.plan(run)).rejects.toThrow(
      'public.accounts has trigger "accounts_named" (its function reads which table it fires on, which would be the new version), trigger "accounts_oid" (its function reads which table it fires on, which would be the new version), trigger "accounts_statement" (it fires per statement, and writes through the name reach the new version row by row); this engine cannot carry it',
    );
  });

  it('fails the cut-over, moving nothing, for a trigger added after create-target that a changed field makes uncarriable', async () => {
    await knex.raw(`DROP TRIGGER accounts_stamp ON public.accounts`);
    await knex.raw(`DROP TRIGGER accounts_audit ON public.accounts`);
    const stages: string[] = [];
    const { run } = await engineRun(
      engine,
      'public.accounts',
      [{ renameField: { from: 'name', to: 'full_name' } }],
      {
        step: async (name, work) => {
          stages.push(name);
          // Added while the run copies, after create-target judged the table.
          if (name === 'cut-over')
            await knex.raw(`
              CREATE TRIGGER accounts_stamp BEFORE INSERT ON public.accounts
                FOR EACH ROW EXECUTE FUNCTION public.stamp()`);
          return work();
        },
      },
    );
    await expect(engine.migrate(run)).rejects.toThrow(
      'public.accounts has trigger "accounts_stamp", whose function may read field "name" by name',
    );
    expect(stages).toContain('cut-over');
    expect(
      await knex
        .raw(
          `SELECT relkind FROM pg_class WHERE oid = 'public.accounts'::regclass`,
        )
        .then(r => r.rows),
    ).toEqual([{ relkind: 'r' }]);
  });
});
