SELECT (o).id, (o).qty, (o).label FROM orders o WHERE (o).qty IS NOT NULL ORDER BY 1;
