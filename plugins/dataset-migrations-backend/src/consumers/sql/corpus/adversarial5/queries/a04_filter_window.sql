select id, s, sum(id) filter (where k > 5) over (partition by s order by k nulls first, id) as run,
       count(*) filter (where k is null) over () as nulls
from t order by id;
