SELECT tableoid::regclass::text AS src, count(*) AS c FROM t GROUP BY 1;
