select id from t where (b, u) in (values (true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid)) order by id;
