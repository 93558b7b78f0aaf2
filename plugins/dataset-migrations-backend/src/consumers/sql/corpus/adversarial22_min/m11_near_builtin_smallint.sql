SELECT id, repeat('*', s) AS bar, lpad('x', s, '.') AS padded, round(avg(s) OVER (), 2) AS a FROM t ORDER BY id;
