SET LOCAL search_path TO adversarial3min_other;
SELECT id, k FROM t ORDER BY id;
