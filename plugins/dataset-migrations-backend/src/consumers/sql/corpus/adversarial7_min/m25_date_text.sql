SELECT id, d::text AS dt, d || '' AS dc, format('%s', d) AS df, to_char(d, 'YYYY-MM-DD') AS dd FROM t ORDER BY id;
