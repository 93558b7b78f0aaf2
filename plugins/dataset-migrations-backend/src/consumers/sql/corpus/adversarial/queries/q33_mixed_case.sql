SELECT id, "Amount", amount, "Amount" - amount AS diff
FROM orders
WHERE "Amount" IS NOT NULL
ORDER BY id;
