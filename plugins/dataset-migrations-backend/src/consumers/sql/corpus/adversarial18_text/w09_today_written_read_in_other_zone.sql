SET TimeZone = 'Pacific/Kiritimati';
INSERT INTO t (k, id, d) VALUES ('k9', 9, 'today');
SET TimeZone = 'Etc/GMT+12';
SELECT id, d = current_date AS written_today_here FROM t WHERE id = 9;
