SELECT k, to_char(avg(n) * 25, '9.9EEEE') AS sci, to_char(sum(n) * 5, '9EEEE') AS total FROM t GROUP BY k ORDER BY k;
