select cast (fullname as text) from fullname;
