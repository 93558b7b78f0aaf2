-- FILTER tests

select min(unique1) filter (where unique1 > 100) from tenk1;
