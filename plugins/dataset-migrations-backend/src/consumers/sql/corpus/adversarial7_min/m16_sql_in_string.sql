SELECT 'SELECT k FROM t' AS q, k FROM t /* k FROM t */ ORDER BY k, 1;
