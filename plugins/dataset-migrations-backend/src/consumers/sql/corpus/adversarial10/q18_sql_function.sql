CREATE FUNCTION total_n(key integer) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT sum(n) FROM t WHERE k = key $$;
SELECT kk, total_n(kk) FROM u ORDER BY kk;
