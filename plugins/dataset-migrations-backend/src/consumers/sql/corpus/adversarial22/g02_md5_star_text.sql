SELECT id, md5(t.*::text) AS h FROM t ORDER BY id;
