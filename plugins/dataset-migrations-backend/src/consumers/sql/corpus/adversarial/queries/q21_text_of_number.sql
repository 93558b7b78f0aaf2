SELECT cust, string_agg(amount::text, '+' ORDER BY id) AS amounts
FROM orders
WHERE amount::text <> '7'
GROUP BY cust
ORDER BY cust NULLS FIRST;
