SELECT sum(pg_column_size(x)) AS total FROM t AS x;
