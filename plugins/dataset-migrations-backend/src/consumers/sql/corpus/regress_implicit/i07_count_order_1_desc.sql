SELECT count(*) FROM test_missing_target ORDER BY 1 desc;
