SELECT id, jsonb_build_object('c', attrs['color'], 'first', scores[1], 'tag', tags[1]) AS doc
FROM items
ORDER BY id;
