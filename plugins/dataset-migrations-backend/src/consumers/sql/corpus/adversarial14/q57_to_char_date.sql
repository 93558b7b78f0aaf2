SELECT id, EXTRACT(DOW FROM d) AS dow, to_char(d, 'YYYY-MM') AS ym FROM t ORDER BY id;
