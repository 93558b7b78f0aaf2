SELECT pg_relation_size('t') >= 0 AS sized;
