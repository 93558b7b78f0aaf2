SELECT id, concat(c, '|') AS a, concat_ws('-', c, s) AS b, format('%s|', c) AS f FROM t WHERE c IS NOT NULL ORDER BY id;
