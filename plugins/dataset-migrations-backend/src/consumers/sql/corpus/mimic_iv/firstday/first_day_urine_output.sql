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
DROP TABLE IF EXISTS first_day_urine_output; CREATE TABLE first_day_urine_output AS
/* Total urine output over the first 24 hours in the ICU */
SELECT
  ie.subject_id, /* patient identifiers */
  ie.stay_id,
  SUM(urineoutput) AS urineoutput
FROM icustays AS ie
/* Join to the outputevents table to get urine output */
LEFT JOIN urine_output AS uo
  ON ie.stay_id = uo.stay_id
  AND /* ensure the data occurs during the first day */ uo.charttime >= ie.intime
  AND uo.charttime <= ie.intime + INTERVAL '1' DAY
GROUP BY
  ie.subject_id,
  ie.stay_id;
SELECT * FROM first_day_urine_output;
