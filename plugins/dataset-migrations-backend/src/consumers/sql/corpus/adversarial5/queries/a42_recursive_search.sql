with recursive r as (select id, k from t where k is not null union all select id, k + 5 from r where k < 12)
search depth first by id set ord
select id, k from r order by ord;
