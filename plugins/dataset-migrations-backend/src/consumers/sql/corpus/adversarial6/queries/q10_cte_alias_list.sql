WITH paid AS (SELECT id, qty FROM orders WHERE status = 'paid')
SELECT p.order_no, p.amount / 2 AS half FROM paid AS p(order_no, amount) ORDER BY 1;
