SELECT id, nth_value(k, 2) OVER (ORDER BY id) AS second, lag(k, m % 2) OVER (ORDER BY id) AS prev FROM t ORDER BY id;
