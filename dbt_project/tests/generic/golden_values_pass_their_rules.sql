{#- A golden identifier or mobile is one its rule accepts (macros/identifiers.sql, the
    staging rules themselves): a failing or placeholder value never survives. -#}
{% test golden_values_pass_their_rules(model) %}
select party_id, id_type, mobile
from {{ model }}
where (id_no is not null and {{ id_problem('id_type', 'id_no') }} is not null)
    or (mobile is not null and {{ mobile_problem('mobile') }} is not null)
{% endtest %}
