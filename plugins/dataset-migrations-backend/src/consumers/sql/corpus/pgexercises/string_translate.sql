select memid, translate(telephone, '-() ', '') as telephone
    from members
    order by memid;
