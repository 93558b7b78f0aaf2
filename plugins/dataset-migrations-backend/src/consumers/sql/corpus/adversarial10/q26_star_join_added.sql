SELECT t.*, u.label FROM t LEFT JOIN u ON u.id = t.id ORDER BY t.id;
