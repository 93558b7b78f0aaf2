SET LOCAL search_path TO adversarial3_other;
SELECT id, cust, amount FROM orders ORDER BY id;
