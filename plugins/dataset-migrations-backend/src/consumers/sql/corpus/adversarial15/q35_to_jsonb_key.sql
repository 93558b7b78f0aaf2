SELECT id, to_jsonb(t) -> 'k' AS kj, (to_jsonb(t) -> 'k') IS NOT NULL AS has_k FROM t ORDER BY id;
