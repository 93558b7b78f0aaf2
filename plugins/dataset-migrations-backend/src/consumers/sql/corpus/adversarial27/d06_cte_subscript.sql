WITH s AS (SELECT id, scores, attrs FROM items)
SELECT id, scores[1], attrs['color'] FROM s ORDER BY id;
