SELECT typname, typlen FROM pg_type WHERE oid = '"t"'::regtype;
