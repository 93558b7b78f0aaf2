select fullname::text from fullname;
