SELECT id, été / 2 AS half FROM café ORDER BY id;
