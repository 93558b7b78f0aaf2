select timestamp '2012-08-31 01:00:00';
