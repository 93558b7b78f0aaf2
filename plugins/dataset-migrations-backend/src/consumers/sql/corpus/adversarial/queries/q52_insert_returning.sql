INSERT INTO orders (id, cust, amount, qty, items, ship_days, status)
VALUES (101, 2, 30, 1, 1, 1, 'open')
RETURNING id, cust, amount, note;
