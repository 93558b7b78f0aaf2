SELECT substr(grp, 1, 1) AS label, count(*) AS c FROM t GROUP BY label ORDER BY 1, 2;
