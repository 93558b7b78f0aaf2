SELECT DISTINCT p.age FROM person* p ORDER BY age using >;
