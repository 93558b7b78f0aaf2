SELECT amount FROM (SELECT "Amount" AS amount FROM t) s ORDER BY 1;
