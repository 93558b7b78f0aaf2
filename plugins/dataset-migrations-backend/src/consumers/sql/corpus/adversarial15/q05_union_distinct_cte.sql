WITH both_n AS (SELECT n AS x FROM t UNION SELECT n FROM u) SELECT sum(x) / count(*) AS mean FROM both_n;
