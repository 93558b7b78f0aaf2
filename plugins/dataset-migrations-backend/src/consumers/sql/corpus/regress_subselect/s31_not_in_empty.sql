--
-- Check we don't misoptimize a NOT IN where the subquery returns no rows.
--
select * from notinouter where a not in (select b from notininner);
