SELECT id / 2 AS tid, count(*) AS c FROM t GROUP BY tid ORDER BY 1, 2;
