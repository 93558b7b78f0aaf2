CREATE TEMP TABLE daily (day, total) AS
  SELECT placed_at::date, qty FROM orders WHERE status = 'paid';
SELECT day, total / 4 AS crates FROM daily ORDER BY day;
