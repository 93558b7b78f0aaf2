SELECT id, pg_typeof(ch)::text AS a, ARRAY[ch]::text AS b, ROW(ch, d)::text AS c, array_agg(d) OVER () AS e FROM t ORDER BY id;
