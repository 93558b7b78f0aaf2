SELECT 1 AS one FROM test_having WHERE 1/a = 1 HAVING 1 < 2;
