SELECT o.id, jt.sku, jt.label, jt.q FROM orders o, JSON_TABLE(o.items, '$[*]' COLUMNS (sku text PATH '$.sku', label text PATH '$.sku', q int PATH '$.q')) AS jt ORDER BY 1, 2;
