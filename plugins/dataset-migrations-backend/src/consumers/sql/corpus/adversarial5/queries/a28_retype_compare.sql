select id, b, u, j, r, d from t
where b and u > '10000000-0000-0000-0000-000000000000' and j @> '{"a":1}' and r < 0.2 and d < '2024-02-01'
order by u;
