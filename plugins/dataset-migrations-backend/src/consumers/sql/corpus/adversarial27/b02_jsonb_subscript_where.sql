SELECT id, sku FROM items WHERE attrs['color'] = '"red"' ORDER BY id;
