SELECT t/* c */.k AS kv, t.-- line
k AS kv2 FROM t ORDER BY id;
