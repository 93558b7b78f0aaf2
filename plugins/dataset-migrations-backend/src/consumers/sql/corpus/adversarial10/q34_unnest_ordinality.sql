SELECT id, tag, kk FROM t, unnest(tags) WITH ORDINALITY AS x(tag, kk) ORDER BY id, kk;
