SELECT id, (arr || 9)::text AS grown, array_position(arr, 2) AS pos FROM t WHERE arr IS NOT NULL ORDER BY id;
