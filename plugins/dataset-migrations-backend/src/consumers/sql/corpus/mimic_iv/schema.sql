-- Ours: the MIMIC-IV tables the concepts here read, with the column names and types
-- of mimic-code's mimic-iv/buildmimic/postgres/create.sql (schema qualifiers removed),
-- and rows of our own (MIMIC-IV itself is credentialed data, not in the repository)
-- chosen so every file reads rows: three patients, four admissions, five ICU stays,
-- charted vitals, weights, heights, GCS and FiO2 every two hours, lab panels every
-- six hours, urine output, norepinephrine, prescriptions and lines.
CREATE TABLE patients
(
  subject_id INTEGER NOT NULL,
  gender CHAR(1) NOT NULL,
  anchor_age SMALLINT,
  anchor_year SMALLINT NOT NULL,
  anchor_year_group VARCHAR(20) NOT NULL,
  dod DATE
);
CREATE TABLE admissions
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  admittime TIMESTAMP NOT NULL,
  dischtime TIMESTAMP,
  deathtime TIMESTAMP,
  admission_type VARCHAR(40) NOT NULL,
  admit_provider_id VARCHAR(10),
  admission_location VARCHAR(60),
  discharge_location VARCHAR(60),
  insurance VARCHAR(255),
  language VARCHAR(25),
  marital_status VARCHAR(30),
  race VARCHAR(80),
  edregtime TIMESTAMP,
  edouttime TIMESTAMP,
  hospital_expire_flag SMALLINT
);
CREATE TABLE diagnoses_icd
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  seq_num INTEGER NOT NULL,
  icd_code CHAR(7),
  icd_version SMALLINT
);
CREATE TABLE labevents
(
  labevent_id INTEGER NOT NULL,
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER,
  specimen_id INTEGER NOT NULL,
  itemid INTEGER NOT NULL,
  order_provider_id VARCHAR(10),
  charttime TIMESTAMP(0),
  storetime TIMESTAMP(0),
  value VARCHAR(200),
  valuenum DOUBLE PRECISION,
  valueuom VARCHAR(20),
  ref_range_lower DOUBLE PRECISION,
  ref_range_upper DOUBLE PRECISION,
  flag VARCHAR(10),
  priority VARCHAR(7),
  comments TEXT
);
CREATE TABLE prescriptions
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  pharmacy_id INTEGER NOT NULL,
  poe_id VARCHAR(25),
  poe_seq INTEGER,
  order_provider_id VARCHAR(10),
  starttime TIMESTAMP(3),
  stoptime TIMESTAMP(3),
  drug_type VARCHAR(20) NOT NULL,
  drug VARCHAR(255) NOT NULL,
  formulary_drug_cd VARCHAR(50),
  gsn VARCHAR(255),
  ndc VARCHAR(25),
  prod_strength VARCHAR(255),
  form_rx VARCHAR(25),
  dose_val_rx VARCHAR(100),
  dose_unit_rx VARCHAR(50),
  form_val_disp VARCHAR(50),
  form_unit_disp VARCHAR(50),
  doses_per_24_hrs REAL,
  route VARCHAR(50)
);
CREATE TABLE icustays
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  stay_id INTEGER NOT NULL,
  first_careunit VARCHAR(255),
  last_careunit VARCHAR(255),
  intime TIMESTAMP,
  outtime TIMESTAMP,
  los FLOAT
);
CREATE TABLE chartevents
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  stay_id INTEGER NOT NULL,
  caregiver_id INTEGER,
  charttime TIMESTAMP NOT NULL,
  storetime TIMESTAMP,
  itemid INTEGER NOT NULL,
  value VARCHAR(200),
  valuenum FLOAT,
  valueuom VARCHAR(20),
  warning SMALLINT
);
CREATE TABLE d_items
(
  itemid INTEGER NOT NULL,
  label VARCHAR(100) NOT NULL,
  abbreviation VARCHAR(50) NOT NULL,
  linksto VARCHAR(30) NOT NULL,
  category VARCHAR(50) NOT NULL,
  unitname VARCHAR(50),
  param_type VARCHAR(20) NOT NULL,
  lownormalvalue FLOAT,
  highnormalvalue FLOAT
);
CREATE TABLE inputevents
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  stay_id INTEGER,
  caregiver_id INTEGER,
  starttime TIMESTAMP NOT NULL,
  endtime TIMESTAMP NOT NULL,
  storetime TIMESTAMP,
  itemid INTEGER NOT NULL,
  amount FLOAT,
  amountuom VARCHAR(20),
  rate FLOAT,
  rateuom VARCHAR(20),
  orderid INTEGER NOT NULL,
  linkorderid INTEGER,
  ordercategoryname VARCHAR(50),
  secondaryordercategoryname VARCHAR(50),
  ordercomponenttypedescription VARCHAR(100),
  ordercategorydescription VARCHAR(30),
  patientweight FLOAT,
  totalamount FLOAT,
  totalamountuom VARCHAR(50),
  isopenbag SMALLINT,
  continueinnextdept SMALLINT,
  statusdescription VARCHAR(20),
  originalamount FLOAT,
  originalrate FLOAT
);
CREATE TABLE outputevents
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  stay_id INTEGER NOT NULL,
  caregiver_id INTEGER,
  charttime TIMESTAMP(3) NOT NULL,
  storetime TIMESTAMP(3) NOT NULL,
  itemid INTEGER NOT NULL,
  value FLOAT NOT NULL,
  valueuom VARCHAR(20)
);
CREATE TABLE procedureevents
(
  subject_id INTEGER NOT NULL,
  hadm_id INTEGER NOT NULL,
  stay_id INTEGER NOT NULL,
  caregiver_id INTEGER,
  starttime TIMESTAMP NOT NULL,
  endtime TIMESTAMP NOT NULL,
  storetime TIMESTAMP NOT NULL,
  itemid INTEGER NOT NULL,
  value FLOAT,
  valueuom VARCHAR(20),
  location VARCHAR(100),
  locationcategory VARCHAR(50),
  orderid INTEGER,
  linkorderid INTEGER,
  ordercategoryname VARCHAR(50),
  ordercategorydescription VARCHAR(30),
  patientweight FLOAT,
  isopenbag SMALLINT,
  continueinnextdept SMALLINT,
  statusdescription VARCHAR(20),
  originalamount FLOAT,
  originalrate FLOAT
);

INSERT INTO patients (subject_id, gender, anchor_age, anchor_year, anchor_year_group, dod) VALUES
  (10001, 'M', 60, 2150, '2008 - 2010', NULL),
  (10002, 'F', 45, 2148, '2011 - 2013', '2152-03-01'),
  (10003, 'F', 72, 2151, '2014 - 2016', NULL);

INSERT INTO admissions (subject_id, hadm_id, admittime, dischtime, deathtime, admission_type, admission_location, discharge_location, insurance, language, marital_status, race, hospital_expire_flag) VALUES
  (10001, 20001, '2150-01-01 08:00', '2150-01-06 12:00', NULL, 'EW EMER.', 'EMERGENCY ROOM', 'HOME', 'Medicare', 'ENGLISH', 'MARRIED', 'WHITE', 0),
  (10001, 20002, '2151-06-10 10:00', '2151-06-14 09:00', NULL, 'URGENT', 'TRANSFER FROM HOSPITAL', 'HOME HEALTH CARE', 'Medicare', 'ENGLISH', 'MARRIED', 'WHITE', 0),
  (10002, 20003, '2152-02-20 22:00', '2152-03-01 05:00', '2152-03-01 05:00', 'EW EMER.', 'EMERGENCY ROOM', 'DIED', 'Other', 'ENGLISH', 'SINGLE', 'BLACK/AFRICAN AMERICAN', 1),
  (10003, 20004, '2151-09-05 14:30', '2151-09-12 11:00', NULL, 'ELECTIVE', 'PHYSICIAN REFERRAL', 'SKILLED NURSING FACILITY', 'Medicaid', '?', 'WIDOWED', 'ASIAN', 0);

INSERT INTO icustays (subject_id, hadm_id, stay_id, first_careunit, last_careunit, intime, outtime, los) VALUES
  (10001, 20001, 30001, 'Medical Intensive Care Unit (MICU)', 'Medical Intensive Care Unit (MICU)', '2150-01-01 12:15', '2150-01-04 10:00', 2.906),
  (10001, 20002, 30002, 'Coronary Care Unit (CCU)', 'Coronary Care Unit (CCU)', '2151-06-10 14:00', '2151-06-12 08:30', 1.771),
  (10002, 20003, 30003, 'Surgical Intensive Care Unit (SICU)', 'Medical Intensive Care Unit (MICU)', '2152-02-21 01:40', '2152-02-28 20:00', 7.764),
  (10003, 20004, 30004, 'Cardiac Vascular Intensive Care Unit (CVICU)', 'Cardiac Vascular Intensive Care Unit (CVICU)', '2151-09-05 18:00', '2151-09-07 18:00', 2.0),
  (10003, 20004, 30005, 'Medical Intensive Care Unit (MICU)', 'Medical Intensive Care Unit (MICU)', '2151-09-09 10:00', '2151-09-10 12:00', 1.083);

-- Charted every two hours from 5 minutes after ICU admission, for up to 40 hours;
-- admission weight and heights once, daily weight every 24 hours.
INSERT INTO chartevents (subject_id, hadm_id, stay_id, caregiver_id, charttime, storetime, itemid, value, valuenum, valueuom, warning)
SELECT i.subject_id, i.hadm_id, i.stay_id, 1,
       i.intime + h * INTERVAL '2 hours' + INTERVAL '5 minutes',
       i.intime + h * INTERVAL '2 hours' + INTERVAL '20 minutes',
       v.itemid,
       COALESCE(v.txt, CAST(v.base + (h % 3) * v.step AS VARCHAR)),
       CASE WHEN v.txt IS NULL OR v.itemid = 223900 THEN v.base + (h % 3) * v.step END,
       v.uom, 0
FROM icustays AS i
CROSS JOIN generate_series(0, 20) AS h
CROSS JOIN (VALUES
  (220045, 80.5, 7, NULL, 'bpm', 1),
  (220179, 121, 6, NULL, 'mmHg', 1),
  (220180, 70, 4, NULL, 'mmHg', 1),
  (220181, 85.5, 3, NULL, 'mmHg', 1),
  (220050, 118, 5, NULL, 'mmHg', 2),
  (220051, 66, 2, NULL, 'mmHg', 2),
  (220052, 83, 2, NULL, 'mmHg', 2),
  (225309, 117, 1, NULL, 'mmHg', 3),
  (225310, 65, 1, NULL, 'mmHg', 3),
  (225312, 82, 1, NULL, 'mmHg', 3),
  (220210, 16, 2, NULL, 'insp/min', 1),
  (224690, 18, 1, NULL, 'insp/min', 2),
  (220277, 95, 1.5, NULL, '%', 1),
  (225664, 112, 9, NULL, 'mg/dL', 3),
  (220621, 121, 4, NULL, 'mg/dL', 4),
  (226537, 108, 3, NULL, 'mg/dL', 4),
  (223761, 98.6, 0.7, NULL, '°F', 2),
  (223762, 37.1, 0.3, NULL, '°C', 3),
  (224642, 0, 0, 'Oral', NULL, 2),
  (223835, 40, 10, NULL, NULL, 2),
  (223900, 5, -1, 'Oriented', NULL, 2),
  (223901, 6, -1, 'Obeys Commands', NULL, 2),
  (220739, 4, -1, 'Spontaneously', NULL, 2),
  (226512, 81.3, 0, NULL, 'kg', 100),
  (224639, 80.2, -0.4, NULL, 'kg', 12),
  (226707, 68, 0, NULL, 'Inch', 100),
  (226730, 172, 0, NULL, 'cm', 100)
) AS v(itemid, base, step, txt, uom, every)
WHERE h % v.every = 0
  AND i.intime + h * INTERVAL '2 hours' <= i.outtime;
-- A ventilated patient's verbal response (GCS counts it as 15).
INSERT INTO chartevents (subject_id, hadm_id, stay_id, caregiver_id, charttime, storetime, itemid, value, valuenum, valueuom, warning) VALUES
  (10002, 20003, 30003, 2, '2152-02-21 13:00', '2152-02-21 13:10', 223900, 'No Response-ETT', 0, NULL, 0),
  (10002, 20003, 30003, 2, '2152-02-21 16:00', '2152-02-21 16:10', 223901, 'Localizes Pain', 5, NULL, 0);

-- Lab panels every six hours from admission, one specimen per panel.
INSERT INTO labevents (labevent_id, subject_id, hadm_id, specimen_id, itemid, order_provider_id, charttime, storetime, value, valuenum, valueuom, ref_range_lower, ref_range_upper, flag, priority, comments)
SELECT ROW_NUMBER() OVER (ORDER BY a.hadm_id, k, v.itemid),
       a.subject_id, a.hadm_id, a.hadm_id * 100 + k * 10 + v.panel, v.itemid, NULL,
       a.admittime + k * INTERVAL '6 hours',
       a.admittime + k * INTERVAL '6 hours' + INTERVAL '1 hour',
       COALESCE(v.txt, CAST(v.base + k * v.step AS VARCHAR)),
       CASE WHEN v.txt IS NULL THEN v.base + k * v.step END,
       v.uom, NULL, NULL, NULL, 'ROUTINE', NULL
FROM admissions AS a
CROSS JOIN generate_series(0, 3) AS k
CROSS JOIN (VALUES
  (1, 52033, 0, 0, 'ART.', NULL),
  (1, 50801, 210.5, -12, NULL, 'mm Hg'),
  (1, 50802, 0, 1, NULL, 'mEq/L'),
  (1, 50803, 24, 0.5, NULL, 'mEq/L'),
  (1, 50804, 25, 1, NULL, 'mEq/L'),
  (1, 50805, 1.2, 0, NULL, '%'),
  (1, 50806, 104, 1, NULL, 'mEq/L'),
  (1, 50807, 0, 0, 'GREEN TOP', NULL),
  (1, 50808, 1.12, 0.02, NULL, 'mmol/L'),
  (1, 50809, 131, -4, NULL, 'mg/dL'),
  (1, 50810, 35, -1, NULL, '%'),
  (1, 50811, 11.6, -0.2, NULL, 'g/dL'),
  (1, 50813, 1.8, 0.3, NULL, 'mmol/L'),
  (1, 50814, 0.6, 0, NULL, '%'),
  (1, 50815, 2, 1, NULL, 'L/min'),
  (1, 50816, 50, -5, NULL, '%'),
  (1, 50817, 97, 0.5, NULL, '%'),
  (1, 50818, 41, -1, NULL, 'mm Hg'),
  (1, 50819, 5, 0, NULL, NULL),
  (1, 50820, 7.38, 0.01, NULL, 'units'),
  (1, 50821, 92, 6, NULL, 'mm Hg'),
  (1, 50822, 4.1, 0.1, NULL, 'mEq/L'),
  (1, 50823, 40, 0, NULL, '%'),
  (1, 50824, 139, 1, NULL, 'mEq/L'),
  (1, 50825, 37.2, 0.1, NULL, 'DEG C'),
  (2, 50862, 3.4, 0.1, NULL, 'g/dL'),
  (2, 50930, 2.8, 0, NULL, 'g/dL'),
  (2, 50976, 6.5, -0.1, NULL, 'g/dL'),
  (2, 50868, 14, 1, NULL, 'mEq/L'),
  (2, 50882, 24, -1, NULL, 'mEq/L'),
  (2, 51006, 18, 3, NULL, 'mg/dL'),
  (2, 50893, 9.1, 0.1, NULL, 'mg/dL'),
  (2, 50902, 101, 1, NULL, 'mEq/L'),
  (2, 50912, 1.1, 0.35, NULL, 'mg/dL'),
  (2, 50931, 105, 7, NULL, 'mg/dL'),
  (2, 50983, 140, -1, NULL, 'mEq/L'),
  (2, 50971, 4.2, 0.1, NULL, 'mEq/L'),
  (3, 51221, 36.2, -0.4, NULL, '%'),
  (3, 51222, 12.1, -0.1, NULL, 'g/dL'),
  (3, 51248, 30.1, 0, NULL, 'pg'),
  (3, 51249, 33.4, 0, NULL, '%'),
  (3, 51250, 90, 1, NULL, 'fL'),
  (3, 51265, 220, -15, NULL, 'K/uL'),
  (3, 51279, 4.1, -0.05, NULL, 'm/uL'),
  (3, 51277, 13.5, 0.1, NULL, '%'),
  (3, 52159, 44, 0.5, NULL, 'fL'),
  (3, 51301, 8.3, 0.6, NULL, 'K/uL'),
  (4, 51196, 0.5, 0.1, NULL, 'ug/mL FEU'),
  (4, 51214, 300, -10, NULL, 'mg/dL'),
  (4, 51297, 15, 0, NULL, 'sec'),
  (4, 51237, 1.1, 0.1, NULL, NULL),
  (4, 51274, 12.5, 0.4, NULL, 'sec'),
  (4, 51275, 30.2, 1.1, NULL, 'sec'),
  (5, 51003, 0.01, 0.02, NULL, 'ng/mL'),
  (5, 50911, 3, 1, NULL, 'ng/mL'),
  (5, 50963, 400, 55, NULL, 'pg/mL'),
  (6, 50889, 12, 4.5, NULL, 'mg/L')
) AS v(panel, itemid, base, step, txt, uom);

INSERT INTO diagnoses_icd (subject_id, hadm_id, seq_num, icd_code, icd_version) VALUES
  (10001, 20001, 1, '4280', 9),
  (10001, 20001, 2, '25000', 9),
  (10001, 20001, 3, '49121', 9),
  (10001, 20002, 1, 'I5023', 10),
  (10001, 20002, 2, 'E1122', 10),
  (10002, 20003, 1, 'I214', 10),
  (10002, 20003, 2, 'C787', 10),
  (10002, 20003, 3, 'K7030', 10),
  (10003, 20004, 1, 'I639', 10),
  (10003, 20004, 2, 'F0390', 10),
  (10003, 20004, 3, 'N184', 10);

-- Urine every two hours; a GU irrigant in and out in one stay.
INSERT INTO outputevents (subject_id, hadm_id, stay_id, caregiver_id, charttime, storetime, itemid, value, valueuom)
SELECT i.subject_id, i.hadm_id, i.stay_id, 1,
       i.intime + h * INTERVAL '2 hours' + INTERVAL '30 minutes',
       i.intime + h * INTERVAL '2 hours' + INTERVAL '40 minutes',
       CASE WHEN h % 5 = 4 THEN 226560 ELSE 226559 END,
       55 + (h % 4) * 12.5, 'ml'
FROM icustays AS i
CROSS JOIN generate_series(0, 20) AS h
WHERE i.intime + h * INTERVAL '2 hours' <= i.outtime;
INSERT INTO outputevents (subject_id, hadm_id, stay_id, caregiver_id, charttime, storetime, itemid, value, valueuom) VALUES
  (10002, 20003, 30003, 2, '2152-02-21 06:30', '2152-02-21 06:40', 227488, 300, 'ml'),
  (10002, 20003, 30003, 2, '2152-02-21 06:30', '2152-02-21 06:40', 227489, 420, 'ml'),
  (10002, 20003, 30003, 2, '2152-02-21 06:30', '2152-02-21 06:40', 226571, 75, 'ml');

INSERT INTO inputevents (subject_id, hadm_id, stay_id, caregiver_id, starttime, endtime, storetime, itemid, amount, amountuom, rate, rateuom, orderid, linkorderid, ordercategoryname, patientweight, statusdescription) VALUES
  (10001, 20001, 30001, 1, '2150-01-01 13:00', '2150-01-01 17:00', '2150-01-01 13:05', 221906, 1.152, 'mg', 0.06, 'mcg/kg/min', 501, 501, '01-Drips', 80, 'Changed'),
  (10001, 20001, 30001, 1, '2150-01-01 17:00', '2150-01-02 01:30', '2150-01-01 17:05', 221906, 3.264, 'mg', 0.08, 'mcg/kg/min', 502, 501, '01-Drips', 80, 'FinishedRunning'),
  (10002, 20003, 30003, 2, '2152-02-21 02:00', '2152-02-21 06:00', '2152-02-21 02:05', 221906, 0.84, 'mg', 0.0001, 'mg/kg/min', 503, 503, '01-Drips', 70, 'Changed'),
  (10002, 20003, 30003, 2, '2152-02-21 06:00', '2152-02-21 09:00', '2152-02-21 06:05', 221906, 0.6, 'mg', 0.05, 'mg/kg/min', 504, 503, '01-Drips', 1, 'Stopped'),
  (10002, 20003, 30003, 2, '2152-02-21 03:00', '2152-02-21 05:00', '2152-02-21 03:05', 221289, 0.3, 'mg', 0.02, 'mcg/kg/min', 505, 505, '01-Drips', 70, 'Stopped');

INSERT INTO prescriptions (subject_id, hadm_id, pharmacy_id, poe_id, poe_seq, starttime, stoptime, drug_type, drug, route) VALUES
  (10001, 20001, 601, '10001-1', 1, '2150-01-01 14:00', '2150-01-04 14:00', 'MAIN', 'Vancomycin', 'IV'),
  (10001, 20001, 602, '10001-2', 2, '2150-01-01 14:00', '2150-01-03 14:00', 'MAIN', 'CefePIME', 'IV'),
  (10001, 20001, 603, '10001-3', 3, '2150-01-01 09:00', '2150-01-05 09:00', 'MAIN', 'Heparin', 'SC'),
  (10001, 20002, 604, '10001-4', 4, '2151-06-13 08:00', '2151-06-14 08:00', 'MAIN', 'Azithromycin', 'PO/NG'),
  (10002, 20003, 605, '10002-1', 1, '2152-02-21 03:00', '2152-02-25 03:00', 'MAIN', 'Piperacillin-Tazobactam', 'IV'),
  (10002, 20003, 606, '10002-2', 2, '2152-02-22 10:00', '2152-02-24 10:00', 'MAIN', 'Bacitracin Ointment', 'TP'),
  (10002, 20003, 607, '10002-3', 3, '2152-02-21 03:00', '2152-02-21 04:00', 'BASE', 'Sodium Chloride 0.9%  Flush', 'IV'),
  (10003, 20004, 608, '10003-1', 1, '2151-09-09 12:00', '2151-09-16 12:00', 'MAIN', 'Ciprofloxacin HCl', 'PO'),
  (10003, 20004, 609, '10003-2', 2, '2151-09-06 12:00', '2151-09-07 12:00', 'MAIN', 'Metronidazole (FLagyl)', 'IV');

INSERT INTO d_items (itemid, label, abbreviation, linksto, category, unitname, param_type) VALUES
  (225752, 'Arterial Line', 'Arterial Line', 'procedureevents', 'Access Lines - Invasive', NULL, 'Processes'),
  (224264, 'PICC Line', 'PICC Line', 'procedureevents', 'Access Lines - Invasive', NULL, 'Processes'),
  (224270, 'Dialysis Catheter', 'Dialysis Catheter', 'procedureevents', 'Access Lines - Invasive', NULL, 'Processes'),
  (224263, 'Multi Lumen', 'Multi Lumen', 'procedureevents', 'Access Lines - Invasive', NULL, 'Processes'),
  (225459, 'Chest X-Ray', 'Chest X-Ray', 'procedureevents', 'Imaging', NULL, 'Processes');

INSERT INTO procedureevents (subject_id, hadm_id, stay_id, caregiver_id, starttime, endtime, storetime, itemid, value, valueuom, location, locationcategory, orderid, linkorderid, ordercategoryname, statusdescription) VALUES
  (10001, 20001, 30001, 1, '2150-01-01 12:40', '2150-01-03 18:00', '2150-01-01 12:45', 225752, 3200, 'min', 'Left Radial', 'Invasive Arterial', 701, 701, 'Invasive Lines', 'FinishedRunning'),
  (10001, 20001, 30001, 1, '2150-01-01 13:10', '2150-01-04 09:00', '2150-01-01 13:15', 224263, 4070, 'min', 'Right IJ', 'Invasive Venous', 702, 702, 'Invasive Lines', 'FinishedRunning'),
  (10002, 20003, 30003, 2, '2152-02-21 02:30', '2152-02-28 19:00', '2152-02-21 02:35', 224264, 10710, 'min', 'Right Antecub', 'Invasive Venous', 703, 703, 'Invasive Lines', 'FinishedRunning'),
  (10002, 20003, 30003, 2, '2152-02-22 09:00', '2152-02-26 09:00', '2152-02-22 09:05', 224270, 5760, 'min', 'Right Femoral.', 'Invasive Venous', 704, 704, 'Invasive Lines', 'FinishedRunning'),
  (10003, 20004, 30004, 3, '2151-09-05 19:00', '2151-09-05 19:30', '2151-09-05 19:05', 225459, 1, NULL, NULL, NULL, 705, 705, 'Imaging', 'FinishedRunning');

-- Respiratory charting every four hours: an endotracheal tube and a ventilator
-- mode for the first 16 hours of each stay, then a nasal cannula; O2 flows
-- (one a BiPAP flow), PEEP, set and total rates and tidal volumes.
INSERT INTO chartevents (subject_id, hadm_id, stay_id, caregiver_id, charttime, storetime, itemid, value, valuenum, valueuom, warning)
SELECT i.subject_id, i.hadm_id, i.stay_id, 3,
       i.intime + h * INTERVAL '4 hours' + INTERVAL '10 minutes',
       i.intime + h * INTERVAL '4 hours' + INTERVAL '15 minutes',
       v.itemid,
       CASE
         WHEN v.itemid = 226732 AND h < 4 THEN 'Endotracheal tube'
         WHEN v.itemid = 226732 THEN 'Nasal cannula'
         WHEN v.itemid = 223849 THEN 'CMV/ASSIST'
         ELSE CAST(v.base + (h % 2) * v.step AS VARCHAR)
       END,
       CASE WHEN v.itemid IN (226732, 223849) THEN NULL ELSE v.base + (h % 2) * v.step END,
       v.uom, 0
FROM icustays AS i
CROSS JOIN generate_series(0, 9) AS h
CROSS JOIN (VALUES
  (226732, 0, 0, NULL),
  (223834, 2, 1, 'L/min'),
  (227582, 3, 0, 'L/min'),
  (227287, 1, 0, 'L/min'),
  (223849, 0, 0, NULL),
  (224688, 14, 0, 'insp/min'),
  (224689, 4, 1, 'insp/min'),
  (224687, 7.5, 0.5, 'L/min'),
  (224684, 450, 0, 'mL'),
  (224685, 440, 15, 'mL'),
  (224696, 21, 1, 'cmH2O'),
  (220339, 5, 0, 'cmH2O'),
  (224691, 40, 0, 'L/min')
) AS v(itemid, base, step, uom)
WHERE (v.itemid IN (226732, 223834, 227287) OR h < 4)
  AND NOT (v.itemid = 227582 AND h <> 1)
  AND i.intime + h * INTERVAL '4 hours' <= i.outtime;

-- CRRT charting in one stay.
INSERT INTO chartevents (subject_id, hadm_id, stay_id, caregiver_id, charttime, storetime, itemid, value, valuenum, valueuom, warning)
SELECT 10002, 20003, 30003, 2,
       TIMESTAMP '2152-02-22 12:00' + h * INTERVAL '1 hour',
       TIMESTAMP '2152-02-22 12:05' + h * INTERVAL '1 hour',
       v.itemid,
       COALESCE(v.txt, CAST(v.base + h * v.step AS VARCHAR)),
       CASE WHEN v.txt IS NULL THEN v.base + h * v.step END,
       v.uom, 0
FROM generate_series(0, 5) AS h
CROSS JOIN (VALUES
  (227290, 0, 0, 'CVVHDF', NULL),
  (224146, 0, 0, 'Active', NULL),
  (224149, -80, -2, NULL, 'mmHg'),
  (224144, 150, 10, NULL, 'ml/min'),
  (228004, 200, 0, NULL, 'ml/hr'),
  (225977, 0, 0, 'Prismasate K4', NULL),
  (224154, 1000, 0, NULL, 'ml/hr'),
  (224191, 50, 25, NULL, 'ml/hr'),
  (226457, 120, 5, NULL, 'ml')
) AS v(itemid, base, step, txt, uom);

-- The other vasoactive agents.
INSERT INTO inputevents (subject_id, hadm_id, stay_id, caregiver_id, starttime, endtime, storetime, itemid, amount, amountuom, rate, rateuom, orderid, linkorderid, ordercategoryname, patientweight, statusdescription) VALUES
  (10001, 20001, 30001, 1, '2150-01-01 15:00', '2150-01-01 20:00', '2150-01-01 15:05', 222315, 12, 'units', 2.4, 'units/hour', 511, 511, '01-Drips', 80, 'FinishedRunning'),
  (10002, 20003, 30003, 2, '2152-02-21 04:00', '2152-02-21 07:00', '2152-02-21 04:05', 222315, 7.2, 'units', 0.04, 'units/min', 512, 512, '01-Drips', 70, 'FinishedRunning'),
  (10002, 20003, 30003, 2, '2152-02-21 05:00', '2152-02-21 08:00', '2152-02-21 05:05', 221749, 5.4, 'mg', 30, 'mcg/min', 513, 513, '01-Drips', 70, 'Stopped'),
  (10002, 20003, 30003, 2, '2152-02-21 08:00', '2152-02-21 10:00', '2152-02-21 08:05', 221749, 4.2, 'mg', 0.5, 'mcg/kg/min', 514, 513, '01-Drips', 70, 'Stopped'),
  (10003, 20004, 30004, 3, '2151-09-05 19:00', '2151-09-06 07:00', '2151-09-05 19:05', 221653, 250, 'mg', 5, 'mcg/kg/min', 515, 515, '01-Drips', 65, 'FinishedRunning'),
  (10003, 20004, 30004, 3, '2151-09-05 20:00', '2151-09-06 02:00', '2151-09-05 20:05', 221662, 120, 'mg', 5, 'mcg/kg/min', 516, 516, '01-Drips', 65, 'FinishedRunning'),
  (10003, 20004, 30004, 3, '2151-09-06 01:00', '2151-09-06 11:00', '2151-09-06 01:05', 221986, 20, 'mg', 0.5, 'mcg/kg/min', 517, 517, '01-Drips', 65, 'Stopped');
