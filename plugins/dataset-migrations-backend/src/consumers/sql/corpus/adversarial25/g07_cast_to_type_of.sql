SELECT id, pg_temp_half FROM (SELECT id, n / 2 AS pg_temp_half FROM t) z ORDER BY id;
