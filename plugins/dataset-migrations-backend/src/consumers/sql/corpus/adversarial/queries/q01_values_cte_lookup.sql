-- status labels from an inline lookup table (VALUES CTE with a column list)
WITH labels(status, label) AS (
  VALUES ('paid', 'Paid'), ('open', 'Open'), ('void', 'Cancelled')
)
SELECT o.id,
       (SELECT label FROM labels WHERE status = o.status) AS status_label
FROM orders o
ORDER BY o.id;
