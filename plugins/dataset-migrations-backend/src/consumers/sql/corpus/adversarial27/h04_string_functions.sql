SELECT id,
       format('%s:%s|', sku, code) AS f,
       concat_ws('|', sku, code, tags[1]) AS c,
       lpad(sku, 10, '.') AS l,
       sku || code AS joined,
       to_char(placed, 'YYYY-MM') || '/' || code AS stamp
FROM items
WHERE code LIKE 'ab%'
ORDER BY id;
