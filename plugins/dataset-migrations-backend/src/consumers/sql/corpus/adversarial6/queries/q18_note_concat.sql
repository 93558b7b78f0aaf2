SELECT id, coalesce(note, '-') || ' #' || qty AS label, 'units: ' || units AS u FROM orders ORDER BY id;
