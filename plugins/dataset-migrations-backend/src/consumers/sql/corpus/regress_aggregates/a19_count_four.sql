-- test count, distinct
SELECT count(four) AS cnt_1000 FROM onek;
