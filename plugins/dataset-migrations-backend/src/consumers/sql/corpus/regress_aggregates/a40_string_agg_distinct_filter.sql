-- Ensure we presort for RelabelType'd Vars
select string_agg(distinct f1, ',') filter (where length(f1) > 1)
from varchar_tbl;
