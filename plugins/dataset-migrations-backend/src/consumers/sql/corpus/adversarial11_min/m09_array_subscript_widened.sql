SELECT id, nums[sm] AS x, n FROM t ORDER BY id;
