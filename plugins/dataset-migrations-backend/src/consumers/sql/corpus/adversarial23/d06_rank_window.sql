SELECT id, rank() OVER (ORDER BY n DESC) AS r, first_value(name) OVER (ORDER BY n) AS first FROM t ORDER BY id;
