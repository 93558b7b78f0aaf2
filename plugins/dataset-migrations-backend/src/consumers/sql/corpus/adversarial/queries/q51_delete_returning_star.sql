WITH gone AS (
  DELETE FROM orders WHERE status = 'void' RETURNING *
)
SELECT * FROM gone;
