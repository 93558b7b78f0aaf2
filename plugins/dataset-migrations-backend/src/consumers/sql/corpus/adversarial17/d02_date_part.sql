SELECT id, date_part('dow', d) AS dow FROM t WHERE d IS NOT NULL ORDER BY id;
