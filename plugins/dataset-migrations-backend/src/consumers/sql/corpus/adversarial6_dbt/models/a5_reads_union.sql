select a / 2 as half from {{ ref("a4_union_first_arm") }}
