SELECT to_regclass('T') IS NOT NULL AS present;
