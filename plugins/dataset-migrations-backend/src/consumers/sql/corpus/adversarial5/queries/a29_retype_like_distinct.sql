select distinct j, b, r from t where u::text like 'a%' or d::text like '2024-0%' order by 1, 2, 3;
