SELECT max(n) AS k, count(*) AS c FROM t GROUP BY k ORDER BY 1;
