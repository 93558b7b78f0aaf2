SELECT pg_get_serial_sequence('t', 'n') IS NULL AS no_sequence;
