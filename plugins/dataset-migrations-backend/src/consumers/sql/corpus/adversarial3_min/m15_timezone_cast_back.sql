SET LOCAL TIME ZONE 'America/Los_Angeles';
SELECT id, d FROM t ORDER BY id;
