SELECT id, year, EXTRACT(year FROM d) AS y, date_part('year', d) AS y2 FROM t ORDER BY id;
