SELECT id, n FROM t WHERE to_regclass(format('%I.t', current_schema())) IS NOT NULL ORDER BY id;
