SELECT o.id, t.tag
FROM orders o, unnest(o.tags) AS t(tag)
ORDER BY 1, 2;
