SELECT u.id, u.qty / 2 AS h, u.label FROM unnest((SELECT array_agg(o) FROM orders o)) AS u ORDER BY 1;
