SELECT count(DISTINCT four) AS cnt_4 FROM onek;
