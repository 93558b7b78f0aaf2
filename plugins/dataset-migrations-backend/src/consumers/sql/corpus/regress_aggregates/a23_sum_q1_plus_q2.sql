-- sanity checks
SELECT sum(q1+q2), sum(q1)+sum(q2) FROM int8_tbl;
