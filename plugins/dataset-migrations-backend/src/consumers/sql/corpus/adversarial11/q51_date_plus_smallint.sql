SELECT id, d + sm AS later FROM t WHERE d IS NOT NULL ORDER BY id;
