SELECT id, c, c::text || '|' AS bar, length(c::varchar(5) || '') AS len FROM t WHERE c IS NOT NULL ORDER BY id;
