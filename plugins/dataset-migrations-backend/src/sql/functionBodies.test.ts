import { readBody, STRING } from './functionBodies';

describe('readBody', () => {
  it('splits a PL/pgSQL body into statements, its prefixes, comments and strings aside', () => {
    const body = readBody(`
      DECLARE
        r record; -- TRUNCATE orders; in a comment
      BEGIN
        /* a /* nested */ comment; */
        IF x = 'then; ' THEN TRUNCATE public.orders; END IF;
        <<rows>> FOR r IN SELECT * FROM orders LOOP
          UPDATE Orders SET a = CASE WHEN b THEN 1 ELSE 2 END WHERE CURRENT OF c;
        END LOOP;
        EXECUTE 'INSERT INTO orders VALUES (''x'') ON CONFLICT DO NOTHING';
        RAISE NOTICE E'it\\'s; %', "Odd""Name";
        EXECUTE format($q$TRUNCATE %I$q$, 'orders');
      EXCEPTION WHEN OTHERS THEN COPY orders TO '/dev/null';
      END`);
    expect(body.statements.map(s => s.text)).toEqual([
      'r record',
      'TRUNCATE public.orders',
      'END IF',
      'UPDATE Orders SET a = CASE WHEN b THEN 1 ELSE 2 END WHERE CURRENT OF c',
      'END LOOP',
      "EXECUTE 'INSERT INTO orders VALUES (''x'') ON CONFLICT DO NOTHING'",
      `RAISE NOTICE E'it\\'s; %', "Odd""Name"`,
      "EXECUTE format($q$TRUNCATE %I$q$, 'orders')",
      "COPY orders TO '/dev/null'",
      'END',
    ]);
    expect(body.statements[3].words).toBe(
      'update orders set a = case when b then 1 else 2 end where current of c',
    );
    expect(body.statements[7].words).toBe(
      `execute format(${STRING}, ${STRING})`,
    );
    expect(body.strings).toEqual([
      'then; ',
      "INSERT INTO orders VALUES ('x') ON CONFLICT DO NOTHING",
      "it's; %",
      'TRUNCATE %I',
      'orders',
      '/dev/null',
    ]);
  });
});
