CREATE FUNCTION pg_temp.up_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := upper(NEW.name); RETURN NEW; END $$;
CREATE TRIGGER up_name BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION pg_temp.up_name();
UPDATE t SET id = id;
SELECT id, name FROM t ORDER BY id;
