SELECT items.id, items.attrs['n'] FROM items ORDER BY items.id;
