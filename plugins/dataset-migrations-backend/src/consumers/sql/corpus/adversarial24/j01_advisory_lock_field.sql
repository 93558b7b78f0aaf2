SELECT id, pg_try_advisory_xact_lock(n) AS locked FROM t WHERE n IS NOT NULL ORDER BY id;
