{%- set rel = api.Relation.create(schema='raw', identifier='orders') -%}
select id, qty from {{ rel }}
