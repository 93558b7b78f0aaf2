update t set b = not b, r = r * 3, j = j || '{"c": 1}', d = d + 1 where id < 3;
insert into t (id, b, u, j, r, d) values (9, true, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A19', '{ "z" :  1 }', 1.0 / 3, '2024-1-5');
select id, b, u, j, r, d from t order by id;
