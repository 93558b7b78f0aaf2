-- smallint[] on the old version, integer[] once widened.
SELECT percentile_disc(ARRAY[0.5]) WITHIN GROUP (ORDER BY s) = ARRAY[2]::smallint[] AS median FROM t;
