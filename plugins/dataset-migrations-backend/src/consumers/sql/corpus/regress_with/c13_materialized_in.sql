-- test that column statistics from a materialized CTE are available
-- to upper planner (otherwise, we'd get a stupider plan)
with x as materialized (select unique1 from tenk1 b)
select count(*) from tenk1 a
  where unique1 in (select * from x);
