CREATE INDEX t_k_idx ON t (k);
CLUSTER t USING t_k_idx;
SELECT id, k FROM t ORDER BY id;
