SET LOCAL TIME ZONE 'America/Los_Angeles';
SELECT id, created_at, ship_date FROM orders ORDER BY id;
