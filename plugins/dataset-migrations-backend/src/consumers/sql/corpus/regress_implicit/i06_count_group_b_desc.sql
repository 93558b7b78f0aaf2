SELECT count(*) FROM test_missing_target GROUP BY b ORDER BY b desc;
