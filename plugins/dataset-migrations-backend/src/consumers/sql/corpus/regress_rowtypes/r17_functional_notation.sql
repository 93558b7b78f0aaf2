select last(f) from fullname f;
