SELECT id, 'item-' || n || '/' || s AS code, format('%s:%s', n, s) AS f, to_char(n, 'FM000') AS z FROM t ORDER BY id;
