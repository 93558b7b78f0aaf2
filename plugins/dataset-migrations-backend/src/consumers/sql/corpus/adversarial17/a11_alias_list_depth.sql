SELECT depth, n FROM t AS y(depth) ORDER BY depth;
