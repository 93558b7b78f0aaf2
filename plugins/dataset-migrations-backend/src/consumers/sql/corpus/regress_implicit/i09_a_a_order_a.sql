SELECT a, a FROM test_missing_target
	ORDER BY a;
