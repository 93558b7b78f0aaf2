SELECT id, extract(epoch FROM d) AS e, d AT TIME ZONE 'Asia/Kolkata' AS z, extract(epoch FROM ts) AS te, ts AT LOCAL AS l FROM t WHERE id <> 5 ORDER BY id;
