SELECT id, x FROM t, jsonb_array_elements_text(CASE WHEN jsonb_typeof(j) = 'array' THEN j END) x ORDER BY 1, 2;
