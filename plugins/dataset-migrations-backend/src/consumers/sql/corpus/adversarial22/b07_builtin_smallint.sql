SELECT id, repeat('*', s) AS bar, lpad(name, s, '.') AS padded, round(avg(s) OVER (), 2) AS a FROM t ORDER BY id;
