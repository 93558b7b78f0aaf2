-- Near miss, over-caution: the whole row passed on and read as a whole;
-- its text is the same.
SELECT x::text AS row_text FROM (SELECT t AS x FROM t) s;
