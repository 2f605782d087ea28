{#- The per-party facts the marts were last built with (macro mart_inputs), kept for
    the next build's int_mart_affected_party to compare with; written after it. -#}
-- depends_on: {{ ref('int_mart_affected_party') }}

{{ mart_inputs() }}
