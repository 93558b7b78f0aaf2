-- Check that we don't fail on anonymous record types.
select array_dims(array_agg(s)) from (select * from pagg_test) s;
