-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS urine_output; CREATE TABLE urine_output AS
WITH uo AS (
  SELECT
    oe.stay_id, /* patient identifiers */
    oe.charttime, /* volumes associated with urine output ITEMIDs */ /* note we consider input of GU irrigant as a negative volume */ /* GU irrigant volume in usually has a corresponding volume out */ /* so the net is often 0, despite large irrigant volumes */
    CASE WHEN oe.itemid = 227488 AND oe.value > 0 THEN -1 * oe.value ELSE oe.value END AS urineoutput
  FROM outputevents AS oe
  WHERE
    itemid IN (
      226559, /* Foley */
      226560, /* Void */
      226561, /* Condom Cath */
      226584, /* Ileoconduit */
      226563, /* Suprapubic */
      226564, /* R Nephrostomy */
      226565, /* L Nephrostomy */
      226567, /* Straight Cath */
      226557, /* R Ureteral Stent */
      226558, /* L Ureteral Stent */
      227488, /* GU Irrigant Volume In */
      227489 /* GU Irrigant/Urine Volume Out */
    )
)
SELECT
  stay_id,
  charttime,
  SUM(urineoutput) AS urineoutput
FROM uo
GROUP BY
  stay_id,
  charttime;
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
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS kdigo_uo; CREATE TABLE kdigo_uo AS
WITH uo_stg1 AS (
  SELECT
    ie.stay_id,
    uo.charttime,
    CAST(CAST(EXTRACT(EPOCH FROM DATE_TRUNC('second', charttime) - DATE_TRUNC('second', intime)) / 1 AS BIGINT) AS INT) AS seconds_since_admit,
    COALESCE(
      CAST(CAST(EXTRACT(EPOCH FROM DATE_TRUNC('second', charttime) - DATE_TRUNC('second', LAG(charttime) OVER (PARTITION BY ie.stay_id ORDER BY charttime NULLS FIRST))) / 1 AS BIGINT) AS DOUBLE PRECISION) / 3600.0 /* noqa: L016 */,
      1
    ) AS hours_since_previous_row,
    urineoutput
  FROM icustays AS ie
  INNER JOIN urine_output AS uo
    ON ie.stay_id = uo.stay_id
), uo_stg2 AS (
  SELECT
    stay_id,
    charttime,
    hours_since_previous_row,
    urineoutput, /* Use the RANGE partition to limit the summation to the last X hours. */ /* RANGE operates using numeric, so we convert the charttime into */ /* seconds since admission, and then filter to X seconds prior to the */ /* current row, where X can be 21600 (6 hours), 43200 (12 hours), */ /* or 86400 (24 hours). */
    SUM(urineoutput) OVER (
      PARTITION BY stay_id
      ORDER BY seconds_since_admit NULLS FIRST
      RANGE BETWEEN 21600 PRECEDING AND CURRENT ROW
    ) AS urineoutput_6hr,
    SUM(urineoutput) OVER (
      PARTITION BY stay_id
      ORDER BY seconds_since_admit NULLS FIRST
      RANGE BETWEEN 43200 PRECEDING AND CURRENT ROW
    ) AS urineoutput_12hr,
    SUM(urineoutput) OVER (
      PARTITION BY stay_id
      ORDER BY seconds_since_admit NULLS FIRST
      RANGE BETWEEN 86400 PRECEDING AND CURRENT ROW
    ) AS urineoutput_24hr, /* repeat the summations using the hours_since_previous_row column */ /* this gives us the amount of time the UO was calculated over */
    ROUND(
      CAST(SUM(hours_since_previous_row) OVER (
        PARTITION BY stay_id
        ORDER BY seconds_since_admit NULLS FIRST
        RANGE BETWEEN 21600 PRECEDING AND CURRENT ROW
      ) AS DECIMAL(38, 9)),
      6
    ) AS uo_tm_6hr,
    ROUND(
      CAST(SUM(hours_since_previous_row) OVER (
        PARTITION BY stay_id
        ORDER BY seconds_since_admit NULLS FIRST
        RANGE BETWEEN 43200 PRECEDING AND CURRENT ROW
      ) AS DECIMAL(38, 9)),
      6
    ) AS uo_tm_12hr,
    ROUND(
      CAST(SUM(hours_since_previous_row) OVER (
        PARTITION BY stay_id
        ORDER BY seconds_since_admit NULLS FIRST
        RANGE BETWEEN 86400 PRECEDING AND CURRENT ROW
      ) AS DECIMAL(38, 9)),
      6
    ) AS uo_tm_24hr
  FROM uo_stg1
)
SELECT
  ur.stay_id,
  ur.charttime,
  wd.weight,
  ur.urineoutput_6hr,
  ur.urineoutput_12hr,
  ur.urineoutput_24hr, /* calculate rates while requiring UO documentation over at least N hours */ /* as specified in KDIGO guidelines 2012 pg19 */
  CASE
    WHEN uo_tm_6hr >= 6 AND uo_tm_6hr < 12
    THEN ROUND(
      CAST((
        CAST(CAST(ur.urineoutput_6hr AS DOUBLE PRECISION) / wd.weight AS DOUBLE PRECISION) / uo_tm_6hr
      ) AS DECIMAL(38, 9)),
      4
    )
    ELSE NULL
  END AS uo_rt_6hr,
  CASE
    WHEN uo_tm_12hr >= 12
    THEN ROUND(
      CAST((
        CAST(CAST(ur.urineoutput_12hr AS DOUBLE PRECISION) / wd.weight AS DOUBLE PRECISION) / uo_tm_12hr
      ) AS DECIMAL(38, 9)),
      4
    )
    ELSE NULL
  END AS uo_rt_12hr,
  CASE
    WHEN uo_tm_24hr >= 24
    THEN ROUND(
      CAST((
        CAST(CAST(ur.urineoutput_24hr AS DOUBLE PRECISION) / wd.weight AS DOUBLE PRECISION) / uo_tm_24hr
      ) AS DECIMAL(38, 9)),
      4
    )
    ELSE NULL
  END AS uo_rt_24hr, /* number of hours between current UO time and earliest charted UO */ /* within the X hour window */
  uo_tm_6hr,
  uo_tm_12hr,
  uo_tm_24hr
FROM uo_stg2 AS ur
LEFT JOIN weight_durations AS wd
  ON ur.stay_id = wd.stay_id
  AND ur.charttime >= wd.starttime
  AND ur.charttime < wd.endtime;
SELECT * FROM kdigo_uo;
