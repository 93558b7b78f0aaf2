-- An array of the n: integer[] on the old version, bigint[] or numeric[] once
-- widened, which equals no integer[] (the operator does not exist).
SELECT percentile_disc(ARRAY[0.5, 1]) WITHIN GROUP (ORDER BY n DESC) = ARRAY[5, 3] AS top_two FROM t;
