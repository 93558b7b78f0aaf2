SELECT id, arr[1] / 2 AS half, unnest(arr) AS e FROM t WHERE arr IS NOT NULL ORDER BY id, e;
