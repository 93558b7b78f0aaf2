SELECT string_agg(id::text, ',' ORDER BY k DESC) AS ids FROM t;
