SELECT word, ndoc FROM ts_stat('SELECT to_tsvector(''simple'', name) FROM t') ORDER BY word;
