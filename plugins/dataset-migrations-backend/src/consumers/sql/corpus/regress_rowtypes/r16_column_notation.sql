select f.last from fullname f;
