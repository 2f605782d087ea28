{#- Casts that yield null instead of failing on a bad value: a dirty date or amount
    must never stop a nightly run (it is flagged, not fatal). DuckDB has try_cast and
    try_strptime built in; PostgreSQL gets equivalent functions at run start. Formats
    are written strptime-style (%Y%m%d) for both. -#}}

{% macro create_safe_cast_functions() %}
  {% if target.type == 'postgres' %}
    create or replace function public.ecif_try_date(v text, fmt text) returns date
    language plpgsql immutable as $$
    declare pg_fmt text := replace(replace(replace(fmt, '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD');
            d date;
    begin
      if v is null then return null; end if;
      d := to_date(v, pg_fmt);
      -- to_date is lenient (2026-2-30 rolls over): only a value that prints back the same is valid
      if to_char(d, pg_fmt) <> v then return null; end if;
      return d;
    exception when others then return null;
    end $$;
    create or replace function public.ecif_try_timestamp(v text, fmt text) returns timestamp
    language plpgsql immutable as $$
    declare pg_fmt text := replace(replace(replace(replace(replace(replace(fmt,
              '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD'), '%H', 'HH24'), '%M', 'MI'), '%S', 'SS');
            t timestamp;
    begin
      if v is null then return null; end if;
      t := to_timestamp(v, pg_fmt)::timestamp;
      if to_char(t, pg_fmt) <> v then return null; end if;
      return t;
    exception when others then return null;
    end $$;
    create or replace function public.ecif_try_local_timestamp(v text) returns timestamp
    language plpgsql stable as $$
    begin
      return (v::timestamptz) at time zone 'Asia/Shanghai';
    exception when others then return null;
    end $$;
    create or replace function public.ecif_try_numeric(v text) returns numeric
    language plpgsql immutable as $$
    begin
      return v::numeric;
    exception when others then return null;
    end $$;
  {% else %}
    select 1
  {% endif %}
{% endmacro %}

{% macro try_to_date(expr, fmt) -%}
  {{ return(adapter.dispatch('try_to_date')(expr, fmt)) }}
{%- endmacro %}
{#- DuckDB's strptime reads `2026113` as %Y%m%d: only text written exactly in the
    format (every field at full width, as PostgreSQL's round trip demands) is a date -#}
{% macro _exactly_in_format(expr, fmt) -%}
    {%- set pattern = fmt | replace('%Y', '[0-9]{4}') | replace('%m', '[0-9]{2}') | replace('%d', '[0-9]{2}')
                          | replace('%H', '[0-9]{2}') | replace('%M', '[0-9]{2}') | replace('%S', '[0-9]{2}') -%}
    {{ expr }} ~ '^{{ pattern }}$'
{%- endmacro %}
{% macro default__try_to_date(expr, fmt) -%}
  case when {{ _exactly_in_format(expr, fmt) }} then cast(try_strptime({{ expr }}, '{{ fmt }}') as date) end
{%- endmacro %}
{% macro postgres__try_to_date(expr, fmt) -%}
  public.ecif_try_date({{ expr }}, '{{ fmt }}')
{%- endmacro %}

{#- A local (Asia/Shanghai) timestamp written in the given format. -#}
{% macro try_to_timestamp(expr, fmt) -%}
  {{ return(adapter.dispatch('try_to_timestamp')(expr, fmt)) }}
{%- endmacro %}
{% macro default__try_to_timestamp(expr, fmt) -%}
  case when {{ _exactly_in_format(expr, fmt) }} then try_strptime({{ expr }}, '{{ fmt }}') end
{%- endmacro %}
{% macro postgres__try_to_timestamp(expr, fmt) -%}
  public.ecif_try_timestamp({{ expr }}, '{{ fmt }}')
{%- endmacro %}

{#- An ISO 8601 timestamp with offset, converted to Asia/Shanghai local time. -#}
{% macro try_to_local_timestamp(expr) -%}
  {{ return(adapter.dispatch('try_to_local_timestamp')(expr)) }}
{%- endmacro %}
{% macro default__try_to_local_timestamp(expr) -%}
  timezone('Asia/Shanghai', try_cast({{ expr }} as timestamptz))
{%- endmacro %}
{% macro postgres__try_to_local_timestamp(expr) -%}
  public.ecif_try_local_timestamp({{ expr }})
{%- endmacro %}

{#- Yuan with two decimals; `fen` integer cents are divided by 100. -#}
{% macro try_to_yuan(expr, fen=false) -%}
  {{ return(adapter.dispatch('try_to_yuan')(expr, fen)) }}
{%- endmacro %}
{% macro default__try_to_yuan(expr, fen) -%}
  {%- if fen -%} cast(try_cast({{ expr }} as bigint) / 100.0 as decimal(18, 2))
  {%- else -%} try_cast({{ expr }} as decimal(18, 2)) {%- endif -%}
{%- endmacro %}
{% macro postgres__try_to_yuan(expr, fen) -%}
  cast(public.ecif_try_numeric({{ expr }}) {%- if fen %} / 100{% endif %} as decimal(18, 2))
{%- endmacro %}

{% macro try_to_integer(expr) -%}
  {{ return(adapter.dispatch('try_to_integer')(expr)) }}
{%- endmacro %}
{% macro default__try_to_integer(expr) -%}
  try_cast({{ expr }} as integer)
{%- endmacro %}
{% macro postgres__try_to_integer(expr) -%}
  cast(case when {{ expr }} ~ '^-?[0-9]{1,9}$' then {{ expr }} end as integer)
{%- endmacro %}

{% macro to_boolean(expr) -%}
  case lower({{ expr }}) when 'true' then true when 'false' then false end
{%- endmacro %}

{#- A timestamp or date as YYYYMMDD text, the form of `_business_date`. -#}
{% macro format_yyyymmdd(expr) -%}
  {{ return(adapter.dispatch('format_yyyymmdd')(expr)) }}
{%- endmacro %}
{% macro default__format_yyyymmdd(expr) -%}
  strftime({{ expr }}, '%Y%m%d')
{%- endmacro %}
{% macro postgres__format_yyyymmdd(expr) -%}
  to_char({{ expr }}, 'YYYYMMDD')
{%- endmacro %}
