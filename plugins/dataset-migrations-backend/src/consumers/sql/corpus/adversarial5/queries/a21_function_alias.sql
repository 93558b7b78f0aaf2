-- generate_series(...) g has one column, g.
select t.id, g from t, generate_series(1, 2) g order by 1, 2;
