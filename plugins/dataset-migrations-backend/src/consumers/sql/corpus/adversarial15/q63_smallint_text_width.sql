SELECT id, lpad(m::text, 3, '0') AS padded, m::integer << 20 AS wide FROM t WHERE m IS NOT NULL ORDER BY id;
