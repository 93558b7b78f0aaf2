SELECT id, scores || qty AS more, array_prepend(qty, scores) AS pre FROM items ORDER BY id;
