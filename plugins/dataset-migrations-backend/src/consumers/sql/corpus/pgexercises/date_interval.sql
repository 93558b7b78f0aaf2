select timestamp '2012-08-31 01:00:00' - timestamp '2012-07-30 01:00:00' as interval;
