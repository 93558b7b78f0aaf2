-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS oxygen_delivery; CREATE TABLE oxygen_delivery AS
WITH ce_stg1 AS (
  SELECT
    ce.subject_id,
    ce.stay_id,
    ce.charttime,
    CASE WHEN itemid IN (223834, 227582) THEN 223834 ELSE itemid END AS itemid,
    value,
    valuenum,
    valueuom,
    storetime
  FROM chartevents AS ce
  WHERE
    NOT ce.value IS NULL
    AND ce.itemid IN (
      223834, /* o2 flow */
      227582, /* bipap o2 flow */ /* below flow rate is *not* o2 flow, and not included */ /* , 224691 -- Flow Rate (L) */ /* additional o2 flow is its own column */
      227287 /* additional o2 flow */
    )
), ce_stg2 AS (
  SELECT
    ce.subject_id,
    ce.stay_id,
    ce.charttime,
    itemid,
    value,
    valuenum,
    valueuom, /* retain only 1 row per charttime */ /* prioritizing (1) the last documented value */ /* and (2) the highest value */ /* primarily used to subselect o2 flows */ /* when storetime ties (e.g. an o2 flow 223834 and a bipap o2 flow */ /* 227582 documented together), prefer the highest value so the result */ /* is deterministic across SQL engines */
    ROW_NUMBER() OVER (
      PARTITION BY subject_id, charttime, itemid
      ORDER BY storetime DESC NULLS LAST, valuenum DESC NULLS LAST
    ) AS rn
  FROM ce_stg1 AS ce
), o2 AS (
  /* The below ITEMID can have multiple entries for charttime/storetime */ /* These are valid entries, and should be retained in derived tables. */ /*   224181 -- Small Volume Neb Drug #1       | Respiratory | Text */ /* , 227570 -- Small Volume Neb Drug/Dose #1  | Respiratory | Text */ /* , 224833 -- SBT Deferred                   | Respiratory | Text */ /* , 224716 -- SBT Stopped                    | Respiratory | Text */ /* , 224740 -- RSBI Deferred                  | Respiratory | Text */ /* , 224829 -- Trach Tube Type                | Respiratory | Text */ /* , 226732 -- O2 Delivery Device(s)          | Respiratory | Text */ /* , 226873 -- Inspiratory Ratio              | Respiratory | Numeric */ /* , 226871 -- Expiratory Ratio               | Respiratory | Numeric */ /* maximum of 4 o2 devices on at once */
  SELECT
    subject_id,
    stay_id,
    charttime,
    itemid,
    value AS o2_device,
    ROW_NUMBER() OVER (
      PARTITION BY subject_id, charttime, itemid
      ORDER BY storetime DESC NULLS LAST, value DESC NULLS LAST
    ) AS rn
  FROM chartevents
  WHERE
    itemid = 226732 /* oxygen delivery device(s) */
), stg AS (
  SELECT
    COALESCE(ce.subject_id, o2.subject_id) AS subject_id,
    COALESCE(ce.stay_id, o2.stay_id) AS stay_id,
    COALESCE(ce.charttime, o2.charttime) AS charttime,
    COALESCE(ce.itemid, o2.itemid) AS itemid,
    ce.value,
    ce.valuenum,
    o2.o2_device,
    o2.rn
  FROM ce_stg2 AS ce
  FULL OUTER JOIN o2
    ON ce.subject_id = o2.subject_id AND ce.charttime = o2.charttime
  /* limit to 1 row per subject_id/charttime/itemid from ce_stg2 */
  WHERE
    ce.rn = 1
)
SELECT
  subject_id,
  MAX(stay_id) AS stay_id,
  charttime,
  MAX(CASE WHEN itemid = 223834 THEN valuenum ELSE NULL END) AS o2_flow,
  MAX(CASE WHEN itemid = 227287 THEN valuenum ELSE NULL END) AS o2_flow_additional, /* ensure we retain all o2 devices for the patient */
  MAX(CASE WHEN rn = 1 THEN o2_device ELSE NULL END) AS o2_delivery_device_1,
  MAX(CASE WHEN rn = 2 THEN o2_device ELSE NULL END) AS o2_delivery_device_2,
  MAX(CASE WHEN rn = 3 THEN o2_device ELSE NULL END) AS o2_delivery_device_3,
  MAX(CASE WHEN rn = 4 THEN o2_device ELSE NULL END) AS o2_delivery_device_4
FROM stg
GROUP BY
  subject_id,
  charttime;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS ventilator_setting; CREATE TABLE ventilator_setting AS
WITH ce AS (
  SELECT
    ce.subject_id,
    ce.stay_id,
    ce.charttime,
    itemid, /* TODO: clean */
    value,
    CASE
      WHEN itemid = 223835
      THEN CASE
        WHEN valuenum >= 0.20 AND valuenum <= 1
        THEN valuenum * 100
        WHEN valuenum > 1 AND valuenum < 20
        THEN NULL
        WHEN valuenum >= 20 AND valuenum <= 100
        THEN valuenum
        ELSE NULL
      END
      WHEN itemid IN (220339, 224700)
      THEN CASE WHEN valuenum > 100 THEN NULL WHEN valuenum < 0 THEN NULL ELSE valuenum END
      ELSE valuenum
    END AS valuenum,
    valueuom,
    storetime
  FROM chartevents AS ce
  WHERE
    NOT ce.value IS NULL
    AND NOT ce.stay_id IS NULL
    AND ce.itemid IN (
      224688, /* Respiratory Rate (Set) */
      224689, /* Respiratory Rate (spontaneous) */
      224690, /* Respiratory Rate (Total) */
      224687, /* minute volume */
      224685,
      224684,
      224686, /* tidal volume */
      224696, /* PlateauPressure */
      220339,
      224700, /* PEEP */
      223835, /* fio2 */
      223849, /* vent mode */
      229314, /* vent mode (Hamilton) */
      223848, /* vent type */
      224691 /* Flow Rate (L) */
    )
)
SELECT
  subject_id,
  MAX(stay_id) AS stay_id,
  charttime,
  MAX(CASE WHEN itemid = 224688 THEN valuenum ELSE NULL END) AS respiratory_rate_set,
  MAX(CASE WHEN itemid = 224690 THEN valuenum ELSE NULL END) AS respiratory_rate_total,
  MAX(CASE WHEN itemid = 224689 THEN valuenum ELSE NULL END) AS respiratory_rate_spontaneous,
  MAX(CASE WHEN itemid = 224687 THEN valuenum ELSE NULL END) AS minute_volume,
  MAX(CASE WHEN itemid = 224684 THEN valuenum ELSE NULL END) AS tidal_volume_set,
  MAX(CASE WHEN itemid = 224685 THEN valuenum ELSE NULL END) AS tidal_volume_observed,
  MAX(CASE WHEN itemid = 224686 THEN valuenum ELSE NULL END) AS tidal_volume_spontaneous,
  MAX(CASE WHEN itemid = 224696 THEN valuenum ELSE NULL END) AS plateau_pressure,
  MAX(CASE WHEN itemid IN (220339, 224700) THEN valuenum ELSE NULL END) AS peep,
  MAX(CASE WHEN itemid = 223835 THEN valuenum ELSE NULL END) AS fio2,
  MAX(CASE WHEN itemid = 224691 THEN valuenum ELSE NULL END) AS flow_rate,
  MAX(CASE WHEN itemid = 223849 THEN value ELSE NULL END) AS ventilator_mode,
  MAX(CASE WHEN itemid = 229314 THEN value ELSE NULL END) AS ventilator_mode_hamilton,
  MAX(CASE WHEN itemid = 223848 THEN value ELSE NULL END) AS ventilator_type
FROM ce
GROUP BY
  subject_id,
  charttime;
-- THIS SCRIPT IS AUTOMATICALLY GENERATED. DO NOT EDIT IT DIRECTLY.
DROP TABLE IF EXISTS ventilation; CREATE TABLE ventilation AS
/* Classify oxygen devices and ventilator modes into six clinical categories. */ /* Categories include.. */ /*  Invasive oxygen delivery types: */ /*      Tracheostomy (with or without positive pressure ventilation) */ /*      InvasiveVent (positive pressure ventilation via endotracheal tube, */ /*          could be oro/nasotracheal or tracheostomy) */ /*  Non invasive oxygen delivery types (ref doi:10.1001/jama.2020.9524): */ /*      NonInvasiveVent (non-invasive positive pressure ventilation) */ /*      HFNC (high flow nasal oxygen / cannula) */ /*      SupplementalOxygen (all other non-rebreather, */ /*          facemask, face tent, nasal prongs...) */ /*  No oxygen device: */ /*      None */ /* When conflicting settings occur (rare), the priority is: */ /*  trach > mech vent > NIV > high flow > o2 */ /* Some useful cases for debugging: */ /*  stay_id = 30019660 has a tracheostomy placed in the ICU */ /*  stay_id = 30000117 has explicit documentation of extubation */ /* first we collect all times which have relevant documentation */
WITH tm AS (
  SELECT
    stay_id,
    charttime
  FROM ventilator_setting
  UNION
  SELECT
    stay_id,
    charttime
  FROM oxygen_delivery
), vs AS (
  SELECT
    tm.stay_id,
    tm.charttime, /* source data columns, here for debug */
    o2_delivery_device_1,
    COALESCE(ventilator_mode, ventilator_mode_hamilton) AS vent_mode, /* case statement determining the type of intervention */ /* done in order of priority: trach > mech vent > NIV > high flow > o2 */
    CASE
      WHEN o2_delivery_device_1 IN (
        'Tracheostomy tube', /* 1135 observations for T-Piece */ /* could be either InvasiveVent or Tracheostomy, so omit */ /* 'T-piece', */
        'Trach mask ' /* 16435 observations */
      )
      THEN 'Tracheostomy'
      WHEN o2_delivery_device_1 IN ('Endotracheal tube')
      OR ventilator_mode IN (
        '(S) CMV',
        'APRV',
        'APRV/Biphasic+ApnPress',
        'APRV/Biphasic+ApnVol',
        'APV (cmv)',
        'Ambient',
        'Apnea Ventilation',
        'CMV',
        'CMV/ASSIST',
        'CMV/ASSIST/AutoFlow',
        'CMV/AutoFlow',
        'CPAP/PPS',
        'CPAP/PSV',
        'CPAP/PSV+Apn TCPL',
        'CPAP/PSV+ApnPres',
        'CPAP/PSV+ApnVol',
        'MMV',
        'MMV/AutoFlow',
        'MMV/PSV',
        'MMV/PSV/AutoFlow',
        'P-CMV',
        'PCV+',
        'PCV+/PSV',
        'PCV+Assist',
        'PRES/AC',
        'PRVC/AC',
        'PRVC/SIMV',
        'PSV/SBT',
        'SIMV',
        'SIMV/AutoFlow',
        'SIMV/PRES',
        'SIMV/PSV',
        'SIMV/PSV/AutoFlow',
        'SIMV/VOL',
        'SYNCHRON MASTER',
        'SYNCHRON SLAVE',
        'VOL/AC'
      )
      OR ventilator_mode_hamilton IN (
        'APRV',
        'APV (cmv)',
        'Ambient',
        '(S) CMV',
        'P-CMV',
        'SIMV',
        'APV (simv)',
        'P-SIMV',
        'VS',
        'ASV'
      )
      THEN 'InvasiveVent'
      WHEN o2_delivery_device_1 IN ('Bipap mask ', /* 8997 observations */'CPAP mask ' /* 5568 observations */)
      OR o2_delivery_device_2 IN ('Bipap mask ', 'CPAP mask ')
      OR o2_delivery_device_3 IN ('Bipap mask ', 'CPAP mask ')
      OR o2_delivery_device_4 IN ('Bipap mask ', 'CPAP mask ')
      OR ventilator_mode_hamilton IN ('DuoPaP', 'NIV', 'NIV-ST')
      THEN 'NonInvasiveVent'
      WHEN o2_delivery_device_1 IN ('High flow nasal cannula' /* 925 observations */)
      THEN 'HFNC'
      WHEN o2_delivery_device_1 IN (
        'Non-rebreather', /* 5182 observations */
        'Face tent', /* 24601 observations */
        'Aerosol-cool', /* 24560 observations */
        'Venti mask ', /* 1947 observations */
        'Medium conc mask ', /* 1888 observations */
        'Ultrasonic neb', /* 9 observations */
        'Vapomist', /* 3 observations */
        'Oxymizer', /* 1301 observations */
        'High flow neb', /* 10785 observations */
        'Nasal cannula'
      )
      THEN 'SupplementalOxygen'
      WHEN o2_delivery_device_1 IN ('None')
      THEN 'None'
      ELSE NULL
    END AS ventilation_status
  FROM tm
  LEFT JOIN ventilator_setting AS vs
    ON tm.stay_id = vs.stay_id AND tm.charttime = vs.charttime
  LEFT JOIN oxygen_delivery AS od
    ON tm.stay_id = od.stay_id AND tm.charttime = od.charttime
), vd0 AS (
  SELECT
    stay_id,
    charttime, /* source data columns, here for debug */ /* , o2_delivery_device_1 */ /* , vent_mode */ /* carry over the previous charttime which had the same state */
    LAG(charttime, 1) OVER (PARTITION BY stay_id, ventilation_status ORDER BY charttime NULLS FIRST) AS charttime_lag, /* bring back the next charttime, regardless of the state */ /* this will be used as the end time for state transitions */
    LEAD(charttime, 1) OVER w AS charttime_lead,
    ventilation_status,
    LAG(ventilation_status, 1) OVER w AS ventilation_status_lag
  FROM vs
  WHERE
    NOT ventilation_status IS NULL
  WINDOW w AS (PARTITION BY stay_id ORDER BY charttime NULLS FIRST)
), vd1 AS (
  SELECT
    stay_id,
    charttime,
    charttime_lag,
    charttime_lead,
    ventilation_status, /* source data columns, here for debug */ /* , o2_delivery_device_1 */ /* , vent_mode */ /* calculate the time since the last event */
    CAST(CAST(EXTRACT(EPOCH FROM DATE_TRUNC('minute', charttime) - DATE_TRUNC('minute', charttime_lag)) / 60 AS BIGINT) AS DOUBLE PRECISION) / 60 AS ventduration, /* now we determine if the current ventilation status is "new", */ /* or continuing the previous event */
    CASE
      WHEN ventilation_status_lag IS NULL
      THEN 1
      WHEN CAST(EXTRACT(EPOCH FROM DATE_TRUNC('hour', charttime) - DATE_TRUNC('hour', charttime_lag)) / 3600 AS BIGINT) >= 14
      THEN 1
      WHEN ventilation_status_lag <> ventilation_status
      THEN 1
      ELSE 0
    END AS new_ventilation_event
  FROM vd0
), vd2 AS (
  SELECT
    vd1.stay_id,
    vd1.charttime,
    vd1.charttime_lead,
    vd1.ventilation_status,
    ventduration,
    new_ventilation_event, /* create a cumulative sum of the instances of new ventilation */ /* this results in a monotonically increasing integer assigned */ /* to each instance of ventilation */
    SUM(new_ventilation_event) OVER (PARTITION BY stay_id ORDER BY charttime NULLS FIRST) AS vent_seq
  FROM vd1
)
/* create the durations for each ventilation instance */
SELECT
  stay_id,
  MIN(charttime) AS starttime, /* for the end time of the ventilation event, the time of the *next* setting */ /* i.e. if we go NIV -> O2, the end time of NIV is the first row */ /* with a documented O2 device */ /* ... unless it's been over 14 hours, */ /* in which case it's the last row with a documented NIV. */
  MAX(
    CASE
      WHEN charttime_lead IS NULL
      OR CAST(EXTRACT(EPOCH FROM DATE_TRUNC('hour', charttime_lead) - DATE_TRUNC('hour', charttime)) / 3600 AS BIGINT) >= 14
      THEN charttime
      ELSE charttime_lead
    END
  ) AS endtime, /* all rows with the same vent_num will have the same ventilation_status */ /* for efficiency, we use an aggregate here, */ /* but we could equally well group by this column */
  MAX(ventilation_status) AS ventilation_status
FROM vd2
GROUP BY
  stay_id,
  vent_seq
HAVING
  MIN(charttime) <> MAX(charttime);
SELECT * FROM ventilation;
