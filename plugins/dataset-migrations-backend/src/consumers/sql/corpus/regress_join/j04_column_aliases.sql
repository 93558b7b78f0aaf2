SELECT *
  FROM J1_TBL t1 (a, b, c);
