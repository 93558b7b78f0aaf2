SELECT sum(q1*2000), sum(-q1*2000), 2000*sum(q1) FROM int8_tbl;
