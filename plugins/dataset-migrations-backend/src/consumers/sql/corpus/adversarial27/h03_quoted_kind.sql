SELECT i.id, "Kind", k.label FROM items i JOIN kinds k ON k.kind = i."Kind" ORDER BY i.id;
