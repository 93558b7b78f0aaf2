SELECT id, nums[1:n] AS head FROM t ORDER BY id;
