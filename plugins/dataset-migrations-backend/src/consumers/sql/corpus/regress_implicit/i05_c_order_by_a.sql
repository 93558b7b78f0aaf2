SELECT c FROM test_missing_target ORDER BY a;
