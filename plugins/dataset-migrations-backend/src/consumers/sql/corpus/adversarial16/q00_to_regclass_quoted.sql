SELECT to_regclass('"t"') IS NOT NULL AS present, k FROM t ORDER BY id;
