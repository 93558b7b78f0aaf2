SELECT id, to_char(n, 'FM000') AS tn, to_char(p, 'FM990.00') AS tp FROM t ORDER BY id;
