CREATE POLICY t_k_policy ON t USING (k > 0);
SELECT id, k FROM t ORDER BY id;
