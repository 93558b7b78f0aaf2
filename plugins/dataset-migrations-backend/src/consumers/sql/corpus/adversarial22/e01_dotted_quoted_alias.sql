SELECT "_root.base"."id", "_root.base"."n" FROM t AS "_root.base" ORDER BY 1;
