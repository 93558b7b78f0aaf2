SELECT a.id
FROM orders_archive a
WHERE (a.id, a.cust, a.amount, a.qty, a.items, a.ship_days, a.status, a.note,
       a.created_at, a.tags, a.payload, a."Amount") IN (SELECT * FROM orders)
ORDER BY a.id;
