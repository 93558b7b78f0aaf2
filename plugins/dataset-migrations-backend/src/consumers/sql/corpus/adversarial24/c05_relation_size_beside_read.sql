SELECT count(*) AS c FROM t WHERE pg_relation_size('t') >= 0;
