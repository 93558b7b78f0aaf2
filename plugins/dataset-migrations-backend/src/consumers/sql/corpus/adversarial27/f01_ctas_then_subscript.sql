CREATE TEMP TABLE snap AS SELECT id, scores, tags, attrs FROM items;
SELECT id, scores[1] AS s, tags[1] AS t, attrs['color'] AS c FROM snap ORDER BY id;
