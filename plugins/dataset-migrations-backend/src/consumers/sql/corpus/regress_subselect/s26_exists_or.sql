--
-- Test resolution of hashed vs non-hashed implementation of EXISTS subplan
--
select count(*) from tenk1 t
where (exists(select 1 from tenk1 k where k.unique1 = t.unique2) or ten < 0);
