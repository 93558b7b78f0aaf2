SELECT x FROM t, unnest(ARRAY[n, k]) AS x ORDER BY 1;
