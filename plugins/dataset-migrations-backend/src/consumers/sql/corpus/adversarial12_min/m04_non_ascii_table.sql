SELECT id, k FROM café ORDER BY id;
