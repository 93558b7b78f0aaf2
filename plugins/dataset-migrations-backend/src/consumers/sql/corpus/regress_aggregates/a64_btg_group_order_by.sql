-- Should work with and without GROUP-BY optimization
SELECT count(*) FROM btg GROUP BY w, x, z, y ORDER BY y, x, z, w;
