select id, k, lag(k) over w as prev from t window w as (order by k nulls first, id) order by id;
