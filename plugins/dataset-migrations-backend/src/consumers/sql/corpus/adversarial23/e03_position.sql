SELECT id FROM t WHERE position('n' IN lower(name)) <= s ORDER BY id;
