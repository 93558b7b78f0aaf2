SELECT id, x FROM t, unnest(string_to_array(n::text || ',7', ',')::int[]) AS x ORDER BY 1, 2;
