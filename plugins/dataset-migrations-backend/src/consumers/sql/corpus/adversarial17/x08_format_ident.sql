SELECT format('%I', s) AS ident FROM t WHERE s IS NOT NULL ORDER BY id;
