SELECT t.id, t IS NOT DISTINCT FROM tb AS same FROM t JOIN tb ON tb.id = t.id ORDER BY 1;
