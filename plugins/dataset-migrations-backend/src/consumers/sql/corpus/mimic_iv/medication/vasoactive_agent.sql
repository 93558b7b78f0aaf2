-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS dobutamine; CREATE TABLE dobutamine AS
/* This query extracts dose+durations of dobutamine administration */ /* Local hospital dosage guidance: 2 mcg/kg/min (low) - 40 mcg/kg/min (max) */
SELECT
  stay_id,
  linkorderid, /* all rows in mcg/kg/min */
  rate AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 221653 /* dobutamine */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS dopamine; CREATE TABLE dopamine AS
/* This query extracts dose+durations of dopamine administration */ /* Local hospital dosage guidance: 2 mcg/kg/min (low) - 10 mcg/kg/min (high) */
SELECT
  stay_id,
  linkorderid, /* all rows in mcg/kg/min */
  rate AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 221662 /* dopamine */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS epinephrine; CREATE TABLE epinephrine AS
/* This query extracts dose+durations of epinephrine administration */ /* Local hospital dosage guidance: 0.2 mcg/kg/min (low) - 2 mcg/kg/min (high) */
SELECT
  stay_id,
  linkorderid, /* all rows in mcg/kg/min */
  rate AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 221289 /* epinephrine */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS norepinephrine; CREATE TABLE norepinephrine AS
/* This query extracts dose+durations of norepinephrine administration */ /* Local hospital dosage guidance: 0.03 mcg/kg/min (low), 0.5 mcg/kg/min (high) */
SELECT
  stay_id,
  linkorderid, /* two rows in mg/kg/min... rest in mcg/kg/min */ /* the rows in mg/kg/min are documented incorrectly */ /* all rows converted into mcg/kg/min (equiv to ug/kg/min) */
  CASE
    WHEN rateuom = 'mg/kg/min' AND patientweight = 1
    THEN rate
    WHEN rateuom = 'mg/kg/min'
    THEN rate * 1000.0
    ELSE rate
  END AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 221906 /* norepinephrine */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS phenylephrine; CREATE TABLE phenylephrine AS
/* This query extracts dose+durations of phenylephrine administration */ /* Local hospital dosage guidance: 0.5 mcg/kg/min (low) - 5 mcg/kg/min (high) */
SELECT
  stay_id,
  linkorderid, /* one row in mcg/min, the rest in mcg/kg/min */
  CASE
    WHEN rateuom = 'mcg/min'
    THEN CAST(rate AS DOUBLE PRECISION) / patientweight
    ELSE rate
  END AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 221749 /* phenylephrine */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS vasopressin; CREATE TABLE vasopressin AS
/* This query extracts dose+durations of vasopressin administration */ /* Local hospital dosage guidance: 1.2 units/hour (low) - 2.4 units/hour (high) */
SELECT
  stay_id,
  linkorderid, /* three rows in units/min, rest in units/hour */ /* the three rows in units/min look reasonable and */ /* fit with the patient course */ /* convert all rows to units/hour */
  CASE WHEN rateuom = 'units/min' THEN rate * 60.0 ELSE rate END AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 222315 /* vasopressin */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS milrinone; CREATE TABLE milrinone AS
/* This query extracts dose+durations of milrinone administration */ /* Local hospital dosage guidance: 0.5 mcg/kg/min (usual) */
SELECT
  stay_id,
  linkorderid, /* all rows in mcg/kg/min */
  rate AS vaso_rate,
  amount AS vaso_amount,
  starttime,
  endtime
FROM inputevents
WHERE
  itemid = 221986 /* milrinone */;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS vasoactive_agent; CREATE TABLE vasoactive_agent AS
/* This query creates a single table with ongoing doses of vasoactive agents. */ /* TBD: rarely angiotensin II, methylene blue, and */ /* isoprenaline/isoproterenol are used. These are not in the query currently */ /* as they are not documented in MetaVision. However, they could */ /* be documented in other hospital wide systems. */ /* collect all vasopressor administration times */ /* create a single table with these as start/stop times */
WITH tm AS (
  SELECT
    stay_id,
    starttime AS vasotime
  FROM dobutamine
  UNION
  SELECT
    stay_id,
    starttime AS vasotime
  FROM dopamine
  UNION
  SELECT
    stay_id,
    starttime AS vasotime
  FROM epinephrine
  UNION
  SELECT
    stay_id,
    starttime AS vasotime
  FROM norepinephrine
  UNION
  SELECT
    stay_id,
    starttime AS vasotime
  FROM phenylephrine
  UNION
  SELECT
    stay_id,
    starttime AS vasotime
  FROM vasopressin
  UNION
  SELECT
    stay_id,
    starttime AS vasotime
  FROM milrinone
  UNION
  /* combine end times from the same tables */
  SELECT
    stay_id,
    endtime AS vasotime
  FROM dobutamine
  UNION
  SELECT
    stay_id,
    endtime AS vasotime
  FROM dopamine
  UNION
  SELECT
    stay_id,
    endtime AS vasotime
  FROM epinephrine
  UNION
  SELECT
    stay_id,
    endtime AS vasotime
  FROM norepinephrine
  UNION
  SELECT
    stay_id,
    endtime AS vasotime
  FROM phenylephrine
  UNION
  SELECT
    stay_id,
    endtime AS vasotime
  FROM vasopressin
  UNION
  SELECT
    stay_id,
    endtime AS vasotime
  FROM milrinone
), tm_lag /* create starttime/endtime from all possible times collected */ AS (
  SELECT
    stay_id,
    vasotime AS starttime, /* note: the last row for each partition (stay_id) will have */ /* a NULL endtime. we can drop this row later, as we know that no */ /* vasopressor will start at this time (otherwise, we would have */ /* a later end time, which would mean it's not the last row!) */
    LEAD(vasotime, 1) OVER (PARTITION BY stay_id ORDER BY vasotime NULLS FIRST) AS endtime
  FROM tm
)
/* left join to raw data tables to combine doses */
SELECT
  t.stay_id,
  t.starttime,
  t.endtime, /* inopressors/vasopressors */
  dop.vaso_rate AS dopamine, /* mcg/kg/min */
  epi.vaso_rate AS epinephrine, /* mcg/kg/min */
  nor.vaso_rate AS norepinephrine, /* mcg/kg/min */
  phe.vaso_rate AS phenylephrine, /* mcg/kg/min */
  vas.vaso_rate AS vasopressin, /* units/hour */ /* inodialators */
  dob.vaso_rate AS dobutamine, /* mcg/kg/min */
  mil.vaso_rate AS milrinone /* mcg/kg/min */
/* isoproterenol is used in CCU/CVICU but not in metavision */ /* other drugs not included here but (rarely) used in the BIDMC: */ /* angiotensin II, methylene blue */
FROM tm_lag AS t
LEFT JOIN dobutamine AS dob
  ON t.stay_id = dob.stay_id
  AND t.starttime >= dob.starttime
  AND t.endtime <= dob.endtime
LEFT JOIN dopamine AS dop
  ON t.stay_id = dop.stay_id
  AND t.starttime >= dop.starttime
  AND t.endtime <= dop.endtime
LEFT JOIN epinephrine AS epi
  ON t.stay_id = epi.stay_id
  AND t.starttime >= epi.starttime
  AND t.endtime <= epi.endtime
LEFT JOIN norepinephrine AS nor
  ON t.stay_id = nor.stay_id
  AND t.starttime >= nor.starttime
  AND t.endtime <= nor.endtime
LEFT JOIN phenylephrine AS phe
  ON t.stay_id = phe.stay_id
  AND t.starttime >= phe.starttime
  AND t.endtime <= phe.endtime
LEFT JOIN vasopressin AS vas
  ON t.stay_id = vas.stay_id
  AND t.starttime >= vas.starttime
  AND t.endtime <= vas.endtime
LEFT JOIN milrinone AS mil
  ON t.stay_id = mil.stay_id
  AND t.starttime >= mil.starttime
  AND t.endtime <= mil.endtime
/* remove the final row for each stay_id */ /* it will not have any infusions associated with it */
WHERE
  NOT t.endtime IS NULL;
SELECT * FROM vasoactive_agent;
