SELECT to_char(d, 'DD') AS d, id FROM t WHERE d IS NOT NULL AND isfinite(d) ORDER BY d, id;
