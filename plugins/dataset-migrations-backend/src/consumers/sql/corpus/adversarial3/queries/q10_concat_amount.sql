-- A label built from a number: '#' || amount.
SELECT id, 'amount: ' || amount AS label, concat('#', amount) AS tag, length(amount::text) AS digits
FROM orders ORDER BY id;
