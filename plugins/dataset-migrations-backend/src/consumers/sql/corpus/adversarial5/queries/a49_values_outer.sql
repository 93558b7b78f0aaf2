select id, (select max(x) from (values (k), (id)) v(x)) as m from t order by id;
