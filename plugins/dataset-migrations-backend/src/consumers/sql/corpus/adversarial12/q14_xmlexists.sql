SELECT id FROM t WHERE xmlexists('/r[@k=1]' PASSING BY VALUE x) ORDER BY id;
