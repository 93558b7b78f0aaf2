SELECT id,
       payload->>'channel' AS ch,
       payload->'cust' AS pc,
       jsonb_build_object('cust', cust, 'amount', amount) AS doc
FROM orders
ORDER BY id;
