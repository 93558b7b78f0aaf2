SELECT id FROM t WHERE ROW(k, s) IN (ROW(10, 'a'), ROW(20, 'b')) ORDER BY id;
