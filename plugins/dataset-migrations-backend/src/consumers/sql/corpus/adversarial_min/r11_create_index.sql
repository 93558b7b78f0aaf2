CREATE INDEX t_k_idx ON t (k);
SELECT count(*) FROM t WHERE k = 1;
