SELECT id, (d + interval '12 hours')::text AS later, extract(epoch FROM d) AS e, d::text AS dt FROM t WHERE d IS NOT NULL ORDER BY id;
