SELECT a FROM test_missing_target ORDER BY upper(d);
