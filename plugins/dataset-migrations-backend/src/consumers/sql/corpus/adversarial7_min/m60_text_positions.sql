SELECT id, lpad(s, n, '*') AS padded, substr('abcdefghijklmnop', n) AS tail, left('abcdefghijklmnop', n) AS l FROM t ORDER BY id;
