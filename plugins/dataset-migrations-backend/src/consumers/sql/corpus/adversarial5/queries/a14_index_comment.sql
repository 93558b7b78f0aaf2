create index on t (k);
comment on column t.k is 'the key';
select count(*) as n from t;
