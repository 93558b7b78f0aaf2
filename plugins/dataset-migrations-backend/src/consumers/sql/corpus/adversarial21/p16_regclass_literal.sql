SELECT 't'::regclass::text AS rel, count(*) AS c FROM t;
