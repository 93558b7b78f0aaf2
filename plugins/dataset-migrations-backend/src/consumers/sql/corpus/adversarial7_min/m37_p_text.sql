SELECT id, p::text AS pt, p || '' AS pc, to_char(p, 'FM999.00') AS pf, round(p / 3, 2) AS r FROM t ORDER BY id;
