SELECT bit_and(n) AS a, bit_or(n) AS o, bit_xor(n) AS x FROM t;
