{% set with_note = true %}
select id{% if with_note %}, note{% endif %}, {%- if var('show_status', true) %} status{% endif %}
from {{ source('shop', 'orders') }}
