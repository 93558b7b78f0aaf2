SELECT id, chr(n + 64) AS letter, repeat('*', n) AS bar FROM t WHERE n IS NOT NULL ORDER BY id;
