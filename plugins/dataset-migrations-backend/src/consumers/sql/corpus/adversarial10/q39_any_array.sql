SELECT id FROM t WHERE n = ANY('{5,7,8}') AND 'red' = ANY(tags) ORDER BY id;
