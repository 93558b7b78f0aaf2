SELECT *
  FROM J1_TBL AS t1 (a, b, c);
