{#- The funnel's metrics by layer, in order: what fct_funnel_daily unpivots. -#}
{% macro funnel_layer_metrics() -%}
    {{ return([
        (1, 'fct_funnel_l01_awareness', [
            'unique_visitors', 'page_views', 'rss_subscribers', 'blog_comments', 'social_mentions',
            'github_stars', 'github_forks', 'github_follows', 'forum_posts', 'newsletter_signups']),
        (2, 'fct_funnel_l02_developers_and_applications', [
            'new_developers', 'new_accounts', 'new_applications']),
        (3, 'fct_funnel_l03_sandbox_activity', [
            'sandbox_requests', 'sandbox_active_applications', 'sandbox_active_developers']),
        (4, 'fct_funnel_l04_certification', [
            'certified_developers', 'certified_applications', 'certification_failures']),
        (5, 'fct_funnel_l05_production_activity', [
            'production_requests', 'production_active_applications', 'production_active_accounts',
            'production_success_rate']),
        (6, 'fct_funnel_l06_value_generation', [
            'get_requests', 'post_requests', 'put_requests', 'patch_requests', 'delete_requests',
            'value_in_requests', 'value_out_requests']),
        (7, 'fct_funnel_l07_operational_activity', [
            'tickets_opened', 'tickets_solved', 'open_tickets', 'median_first_response_hours']),
        (8, 'fct_funnel_l08_audits', [
            'developers_audited', 'applications_audited', 'audit_failures']),
        (9, 'fct_funnel_l09_showcase', [
            'developers_showcased', 'applications_showcased', 'showcased_total']),
        (10, 'fct_funnel_l10_end_users', [
            'active_end_users', 'new_end_users', 'returning_end_users', 'end_user_requests']),
    ]) }}
{%- endmacro %}
