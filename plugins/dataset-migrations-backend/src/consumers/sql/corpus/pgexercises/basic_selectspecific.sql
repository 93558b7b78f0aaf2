select name, membercost from facilities;
