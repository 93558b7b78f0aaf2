-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS height; CREATE TABLE height AS
/* prep height */
WITH ht_in AS (
  SELECT
    c.subject_id,
    c.stay_id,
    c.charttime, /* Ensure that all heights are in centimeters */
    ROUND(CAST(c.valuenum * 2.54 AS DECIMAL(38, 9)), 2) AS height,
    c.valuenum AS height_orig
  FROM chartevents AS c
  WHERE
    NOT c.valuenum IS NULL AND /* Height (measured in inches) */ c.itemid = 226707
), ht_cm AS (
  SELECT
    c.subject_id,
    c.stay_id,
    c.charttime, /* Ensure that all heights are in centimeters */
    ROUND(CAST(c.valuenum AS DECIMAL(38, 9)), 2) AS height
  FROM chartevents AS c
  WHERE
    NOT c.valuenum IS NULL AND /* Height cm */ c.itemid = 226730
), ht_stg0 /* merge cm/height, only take 1 value per charted row */ AS (
  SELECT
    COALESCE(h1.subject_id, h2.subject_id) AS subject_id,
    COALESCE(h1.stay_id, h2.stay_id) AS stay_id,
    COALESCE(h1.charttime, h2.charttime) AS charttime,
    COALESCE(h1.height, h2.height) AS height
  FROM ht_cm AS h1
  FULL OUTER JOIN ht_in AS h2
    ON h1.subject_id = h2.subject_id AND h1.charttime = h2.charttime
)
SELECT
  subject_id,
  stay_id,
  charttime,
  height
FROM ht_stg0
WHERE
  NOT height IS NULL AND /* filter out bad heights */ height > 120 AND height < 230;
SELECT * FROM height;
