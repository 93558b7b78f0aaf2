SELECT id FROM t WHERE (d, d + 7) OVERLAPS (date '2024-01-05', date '2024-02-01') ORDER BY id;
