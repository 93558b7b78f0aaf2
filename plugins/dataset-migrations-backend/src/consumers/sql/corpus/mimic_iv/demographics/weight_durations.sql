-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS weight_durations; CREATE TABLE weight_durations AS
/* This query extracts weights for adult ICU patients with start/stop times */ /* if an admission weight is given, then this is assigned from intime to outtime */
WITH wt_stg AS (
  SELECT
    c.stay_id,
    c.charttime,
    CASE WHEN c.itemid = 226512 THEN 'admit' ELSE 'daily' END AS weight_type,
    ROUND(CAST(c.valuenum AS DECIMAL(38, 9)), 3) AS weight
  FROM chartevents AS c
  WHERE
    NOT c.valuenum IS NULL
    AND c.itemid IN (226512, /* Admit Wt */224639 /* Daily Weight */)
    AND c.valuenum > 0
    AND c.valuenum < 1500
), wt_stg1 /* assign ascending row number */ AS (
  SELECT
    stay_id,
    charttime,
    weight_type,
    weight,
    ROW_NUMBER() OVER (PARTITION BY stay_id, weight_type ORDER BY charttime NULLS FIRST) AS rn
  FROM wt_stg
  WHERE
    NOT weight IS NULL
), wt_stg2 /* change charttime to intime for the first admission weight recorded */ AS (
  SELECT
    wt_stg1.stay_id,
    ie.intime,
    ie.outtime,
    wt_stg1.weight_type,
    CASE
      WHEN wt_stg1.weight_type = 'admit' AND wt_stg1.rn = 1
      THEN ie.intime - INTERVAL '2' HOUR
      ELSE wt_stg1.charttime
    END AS starttime,
    wt_stg1.weight
  FROM wt_stg1
  INNER JOIN icustays AS ie
    ON ie.stay_id = wt_stg1.stay_id
), wt_stg3 AS (
  SELECT
    stay_id,
    intime,
    outtime,
    starttime,
    COALESCE(
      LEAD(starttime) OVER (PARTITION BY stay_id ORDER BY starttime NULLS FIRST),
      outtime + INTERVAL '2' HOUR
    ) AS endtime,
    weight,
    weight_type
  FROM wt_stg2
), wt1 /* this table is the start/stop times from admit/daily weight in charted data */ AS (
  SELECT
    stay_id,
    starttime,
    COALESCE(
      endtime,
      LEAD(starttime) OVER (PARTITION BY stay_id ORDER BY starttime NULLS FIRST) /* impute ICU discharge as the end of the final weight measurement */ /* plus a 2 hour "fuzziness" window */,
      outtime + INTERVAL '2' HOUR
    ) AS endtime,
    weight,
    weight_type
  FROM wt_stg3
), wt_fix /* if the intime for the patient is < the first charted daily weight */ /* then we will have a "gap" at the start of their stay */ /* to prevent this, we look for these gaps and backfill the first weight */ /* this adds (153255-149657)=3598 rows, meaning this fix helps for up */ /* to 3598 stay_id */ AS (
  SELECT
    ie.stay_id, /* we add a 2 hour "fuzziness" window */
    ie.intime - INTERVAL '2' HOUR AS starttime,
    wt.starttime AS endtime,
    wt.weight,
    wt.weight_type
  FROM icustays AS ie
  INNER JOIN (
    /* the below subquery returns one row for each unique stay_id */ /* the row contains: the first starttime and the corresponding weight */
    SELECT
      wt1.stay_id,
      wt1.starttime,
      wt1.weight,
      weight_type,
      ROW_NUMBER() OVER (PARTITION BY wt1.stay_id ORDER BY wt1.starttime NULLS FIRST) AS rn
    FROM wt1
  ) AS wt
    ON ie.stay_id = wt.stay_id AND wt.rn = 1 AND ie.intime < wt.starttime
)
/* add the backfill rows to the main weight table */
SELECT
  wt1.stay_id,
  wt1.starttime,
  wt1.endtime,
  wt1.weight,
  wt1.weight_type
FROM wt1
UNION ALL
SELECT
  wt_fix.stay_id,
  wt_fix.starttime,
  wt_fix.endtime,
  wt_fix.weight,
  wt_fix.weight_type
FROM wt_fix;
SELECT * FROM weight_durations;
