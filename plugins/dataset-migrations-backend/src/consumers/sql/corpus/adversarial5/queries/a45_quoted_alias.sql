select "T".id, "T".k from t as "T" order by "T".k nulls last, 1;
