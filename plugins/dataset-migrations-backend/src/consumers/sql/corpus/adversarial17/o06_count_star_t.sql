SELECT count(t.*) AS cnt FROM t;
