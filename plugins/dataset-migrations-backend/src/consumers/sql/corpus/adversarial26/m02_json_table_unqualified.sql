SELECT o.id, sku, q FROM orders o, JSON_TABLE(o.items, '$[*]' COLUMNS (sku text PATH '$.sku', q int PATH '$.q')) AS jt ORDER BY 1, 2;
