WITH touched AS (
  UPDATE orders SET qty = qty WHERE status = 'paid' RETURNING id, cust
)
SELECT cust, count(*) AS n FROM touched GROUP BY cust ORDER BY cust;
