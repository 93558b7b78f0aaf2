SELECT avg(four) AS avg_1 FROM onek;
