select surname || ', ' || firstname as name from members
