-- Prices up 10%: an integer column rounds on assignment.
UPDATE orders SET amount = amount * 1.1 WHERE id < 4;
SELECT id, amount FROM orders ORDER BY id;
