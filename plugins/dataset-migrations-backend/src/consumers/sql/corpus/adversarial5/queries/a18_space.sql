select "my col", "my col" + 1 as plus from t order by id;
