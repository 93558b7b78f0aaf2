SELECT min(n) AS lo, max(n) AS hi, max(name) AS top FROM t;
