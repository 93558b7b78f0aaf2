SELECT count(*) AS c FROM t LEFT JOIN u m ON m.id = t.id AND m.v > 15 WHERE m IS NULL;
