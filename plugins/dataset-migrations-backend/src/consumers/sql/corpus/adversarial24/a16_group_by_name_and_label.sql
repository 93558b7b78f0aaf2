SELECT name AS label, count(*) AS c FROM t GROUP BY name, label ORDER BY 1;
