{#- Row-level security on PostgreSQL, applied by the build (ecif/service/row_security.py
    explains the roles and the trust model). Each model the service's reader may select
    calls `row_security` as a post-hook: dbt runs it inside the transaction that
    publishes the rebuilt table, so a reader never sees the table unprotected and the
    service never needs DDL of its own (DDL on its request paths deadlocked with dbt).

    One NOLOGIN role per application role of reference_data/seeds/role_permission.csv
    (ecif_app_agent…); the policies name those roles, never a setting the client sets.
    Agents and telesales seats see only the parties they own (the rule of
    ecif.service.scoping, enforced here a second time), a portal customer only the
    party the account is bound to; the owner code (agent code, seat, or the
    customer's party id) is the `ecif.owner` setting that the service sets for the
    request. -#}

{%- macro owning_mentions() -%}
    {{ return({
        'agent': "mention.source_system = 'core' and mention.source_entity = 'customer'",
        'telesales': "mention.source_system = 'telesales' and mention.source_entity = 'lead'",
    }) }}
{%- endmacro -%}

{#- The application roles: those of the seed. The seed is referenced outside any
    condition, so that dbt records it as a dependency of the protected models. -#}
{%- macro app_roles() -%}
    {%- set seed = ref('role_permission') -%}
    {%- if not execute or target.type != 'postgres' -%}{{ return([]) }}{%- endif -%}
    {%- set roles = run_query("select distinct role from " ~ seed ~ " order by role") -%}
    {{ return(roles.columns[0].values() | list) }}
{%- endmacro -%}

{%- macro app_role(role) -%}ecif_app_{{ role }}{%- endmacro -%}

{#- Once per build, as the post-hook of int_mention_party (every other protected model
    is built after it): the roles, schema access and the ownership function. -#}
{% macro row_security_setup() -%}
    {%- set roles = app_roles() -%}
    {%- if target.type == 'postgres' and execute -%}
    {%- set all_roles = [] -%}
    {%- for role in roles %}{% do all_roles.append(app_role(role)) %}{% endfor -%}
    {%- for role in all_roles %}
    do $$ begin
        if not exists (select from pg_roles where rolname = '{{ role }}') then
            create role {{ role }} nologin;
        end if;
    -- roles are cluster-wide: another database's build may have created it meanwhile
    exception when duplicate_object or unique_violation then null;
    end $$;
    {%- endfor %}
    create schema if not exists marts;
    create schema if not exists serving;
    create schema if not exists security;
    {#- not intermediate: the service reads the marts and serving only (issue 20 §2);
        security.owns reads int_mention_party with its owner's rights -#}
    grant usage on schema marts, serving, security to {{ all_roles | join(', ') }};
    {#- volatile, not stable: a stable function reads with its caller's snapshot, so a
        read that waited for a rebuild's swap of int_mention_party would look into the
        new table with a snapshot older than its rows and find no owner (a 404 mid-run);
        volatile takes a fresh snapshot after the wait. -#}
    create or replace function security.owns(target text, scope text) returns boolean
    language sql volatile security definer set search_path = pg_catalog, pg_temp as $fn$
        select exists (
            select 1 from intermediate.int_mention_party as mention
            where mention.party_id = target
              and mention.agent_code = current_setting('ecif.owner', true)
              and ({% for scope, condition in owning_mentions().items() -%}
                   {{ ' or ' if not loop.first }}(scope = '{{ scope }}' and {{ condition }})
                   {%- endfor %}))
    $fn$;
    revoke all on function security.owns(text, text) from public;
    grant execute on function security.owns(text, text) to {{ all_roles | join(', ') }}
    {%- endif -%}
{%- endmacro %}

{#- The post-hook of each protected model: the party a row is about is in `party_column`. -#}
{% macro row_security(party_column) -%}
    {%- set roles = app_roles() -%}
    {%- if target.type == 'postgres' and execute -%}
    {%- set scoped = owning_mentions() -%}
    {%- set unscoped = [] -%}
    {%- for role in roles if role not in scoped and role != 'customer' %}{% do unscoped.append(app_role(role)) %}{% endfor -%}
    alter table {{ this }} enable row level security;
    {#- an incremental model keeps its table, and its policies, from the last build -#}
    {%- for policy in ['unscoped', 'customer'] + (scoped | list) %}
    drop policy if exists ecif_{{ policy }} on {{ this }};
    {%- endfor %}
    create policy ecif_unscoped on {{ this }} for select to {{ unscoped | join(', ') }} using (true);
    {%- for scope in scoped %}
    create policy ecif_{{ scope }} on {{ this }} for select to {{ app_role(scope) }}
        using (security.owns({{ party_column }}, '{{ scope }}'));
    {%- endfor %}
    {%- if 'customer' in roles %}
    create policy ecif_customer on {{ this }} for select to {{ app_role('customer') }}
        using ({{ party_column }} = current_setting('ecif.owner', true));
    {%- endif %}
    grant select on {{ this }} to {% for role in roles %}{{ app_role(role) }}{{ ', ' if not loop.last }}{% endfor %}
    {%- endif -%}
{%- endmacro %}
