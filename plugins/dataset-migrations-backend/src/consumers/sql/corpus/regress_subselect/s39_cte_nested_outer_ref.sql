-- Check handling of outer references
with x as materialized (select * from int4_tbl)
select * from (with y as (select * from x) select * from y) ss;
