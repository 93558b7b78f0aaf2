SELECT k::bigint, tags[1] FROM t;
