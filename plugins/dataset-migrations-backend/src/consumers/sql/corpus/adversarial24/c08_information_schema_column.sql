SELECT count(*) AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 't' AND column_name = 'n';
