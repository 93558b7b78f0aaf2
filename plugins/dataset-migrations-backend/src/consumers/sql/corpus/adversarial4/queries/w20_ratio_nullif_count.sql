SELECT sum(n) / nullif(count(*), 0) AS avg_int FROM t;
