SELECT e / 2 AS half FROM t, jsonb_array_elements_text(to_jsonb(ARRAY[n])) AS e(x), LATERAL (SELECT x::int) AS y(e) ORDER BY 1;
