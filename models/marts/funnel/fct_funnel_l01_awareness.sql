-- Layer 1, awareness: community events per day (events, not running totals).
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

events as (
    select * from {{ ref('stg_community__events') }}
),

daily as (
    select
        cast(occurred_at as date) as date_day,
        count(distinct visitor_id) as unique_visitors,
        count(case when event_type in ('page_view', 'docs_view') then 1 end) as page_views,
        count(case when event_type = 'rss_subscribe' then 1 end) as rss_subscribers,
        count(case when event_type = 'blog_comment' then 1 end) as blog_comments,
        count(case when event_type = 'social_mention' then 1 end) as social_mentions,
        count(case when event_type = 'github_star' then 1 end) as github_stars,
        count(case when event_type = 'github_fork' then 1 end) as github_forks,
        count(case when event_type = 'github_follow' then 1 end) as github_follows,
        count(case when event_type = 'forum_post' then 1 end) as forum_posts,
        count(case when event_type = 'newsletter_signup' then 1 end) as newsletter_signups
    from events
    group by cast(occurred_at as date)
),

final as (
    select
        calendar.date_day,
        coalesce(daily.unique_visitors, 0) as unique_visitors,
        coalesce(daily.page_views, 0) as page_views,
        coalesce(daily.rss_subscribers, 0) as rss_subscribers,
        coalesce(daily.blog_comments, 0) as blog_comments,
        coalesce(daily.social_mentions, 0) as social_mentions,
        coalesce(daily.github_stars, 0) as github_stars,
        coalesce(daily.github_forks, 0) as github_forks,
        coalesce(daily.github_follows, 0) as github_follows,
        coalesce(daily.forum_posts, 0) as forum_posts,
        coalesce(daily.newsletter_signups, 0) as newsletter_signups
    from calendar
    left join daily on calendar.date_day = daily.date_day
)

select * from final
