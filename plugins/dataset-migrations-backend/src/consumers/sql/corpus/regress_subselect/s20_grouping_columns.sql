--
-- Test case for 8.3 "failed to locate grouping columns" bug
--

select * from
  (select distinct f1, f2, (select f2 from t1 x where x.f1 = up.f1) as fs
   from t1 up) ss
group by f1,f2,fs;
