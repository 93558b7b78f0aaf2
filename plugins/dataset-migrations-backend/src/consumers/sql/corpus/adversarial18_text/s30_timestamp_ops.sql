SELECT id, ts + interval '0.0004 s' AS a, ts::text AS b, date_trunc('second', ts) AS c, to_char(ts, 'US') AS e, extract(microseconds FROM ts) AS f FROM t WHERE id <> 5 ORDER BY id;
