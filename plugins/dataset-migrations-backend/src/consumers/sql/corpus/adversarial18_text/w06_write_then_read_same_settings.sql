UPDATE t SET d = d + 1, ts = ts + interval '1 hour', ch = 'x', vc = vc || ' ', n = n / 3 WHERE id = 1;
SELECT id, d, ts, ch, vc, n, length(ch), octet_length(vc) FROM t ORDER BY id;
