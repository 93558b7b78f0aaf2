SELECT id, n, $tag$ n's $tag$ AS note FROM t ORDER BY id;
