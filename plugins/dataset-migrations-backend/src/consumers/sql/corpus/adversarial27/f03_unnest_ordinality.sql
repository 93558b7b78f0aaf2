SELECT i.id, t, ordinality FROM items i, unnest(i.tags) WITH ORDINALITY t ORDER BY 1, 3;
