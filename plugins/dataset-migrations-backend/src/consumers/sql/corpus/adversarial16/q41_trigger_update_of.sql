CREATE TRIGGER t_k_guard BEFORE UPDATE OF k ON t
  FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
SELECT id, k FROM t ORDER BY id;
