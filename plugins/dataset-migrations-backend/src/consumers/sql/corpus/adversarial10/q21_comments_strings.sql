-- k is the key; n the count
SELECT k /* k, not kk */, 'k' AS "k label", $$n$$ AS dollar, n
FROM t -- reads t.k
WHERE s <> 'k' AND s IS NOT NULL
ORDER BY id;
