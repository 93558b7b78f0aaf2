SELECT count(b) FROM test_missing_target GROUP BY b/2 ORDER BY b/2;
