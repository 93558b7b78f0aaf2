SELECT u.id, g FROM u, t, generate_series(1, x / 100) g WHERE t.id = u.id ORDER BY u.id, g;
