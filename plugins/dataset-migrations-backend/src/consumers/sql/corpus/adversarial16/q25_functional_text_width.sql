SELECT id, s(t)::varchar(3) AS short FROM t;
