SELECT id, format('[%s]', c) AS fc, format('[%5s]', s) AS fs FROM t ORDER BY id;
