SELECT name AS label, count(*) AS c FROM t GROUP BY label ORDER BY label;
