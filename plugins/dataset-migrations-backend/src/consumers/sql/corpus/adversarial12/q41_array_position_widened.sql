SELECT id, array_position(nums, n % 5) AS pos FROM t ORDER BY id;
