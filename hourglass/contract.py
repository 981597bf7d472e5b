"""The landing-zone contract (docs/landing_zone.md) as data.

The loader, the demo-data generator and the tests all read the sources from
here, so a column is declared once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ACCEPTED_EXTENSIONS = (
    ".csv",
    ".csv.gz",
    ".jsonl",
    ".jsonl.gz",
    ".ndjson",
    ".ndjson.gz",
    ".parquet",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string | timestamp | integer | bigint | double | decimal
    required: bool = False
    allowed: tuple[str, ...] | None = None  # matched case-insensitively, stored lower-case
    upper: bool = False  # stored upper-case (HTTP methods)
    min_value: float | None = None
    max_value: float | None = None
    min_exclusive: bool = False  # the value must be above min_value, not equal to it
    # a timestamp naming a future moment (an expiry): only the earliest plausible bound applies
    may_be_future: bool = False

    @property
    def sql_type(self) -> str:
        return {
            "string": "VARCHAR",
            "timestamp": "TIMESTAMPTZ",
            "integer": "INTEGER",
            "bigint": "BIGINT",
            "double": "DOUBLE",
            "decimal": "DECIMAL(18, 2)",  # money: exact USD cents
        }[self.type]


@dataclass(frozen=True)
class Source:
    name: str
    required: bool
    columns: tuple[Column, ...]
    # the timestamp that places a row on a day (what the incremental models reprocess)
    day_column: str
    # a rule across columns: (column to blame, SQL condition over loaded values, reason)
    row_rules: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


SIGNUPS = Source(
    "signups",
    required=True,
    day_column="signed_up_at",
    columns=(
        Column("developer_id", "string", required=True),
        Column("account_id", "string", required=True),
        Column("signed_up_at", "timestamp", required=True),
        Column("email", "string"),
        Column("plan_id", "string"),
        Column("acquisition_channel", "string"),
        Column("visitor_id", "string"),
        Column("country", "string"),
    ),
)

APPLICATIONS = Source(
    "applications",
    required=True,
    day_column="created_at",
    columns=(
        Column("app_id", "string", required=True),
        Column("developer_id", "string", required=True),
        Column("created_at", "timestamp", required=True),
        Column("app_name", "string"),
    ),
)

API_LOGS = Source(
    "api_logs",
    required=True,
    day_column="requested_at",
    columns=(
        Column("request_id", "string", required=True),
        Column("requested_at", "timestamp", required=True),
        Column("app_id", "string", required=True),
        Column("environment", "string", required=True, allowed=("sandbox", "production")),
        Column("method", "string", required=True, upper=True),
        Column("path", "string", required=True),
        Column("status_code", "integer", required=True, min_value=100, max_value=599),
        Column("latency_ms", "double", min_value=0),
        Column("request_bytes", "bigint", min_value=0),
        Column("response_bytes", "bigint", min_value=0),
        Column("end_user_id", "string"),
    ),
)

SUPPORT_TICKETS = Source(
    "support_tickets",
    required=True,
    day_column="updated_at",
    columns=(
        Column("ticket_id", "string", required=True),
        Column("account_id", "string", required=True),
        Column("developer_id", "string"),
        Column("created_at", "timestamp", required=True),
        Column("updated_at", "timestamp", required=True),
        Column(
            "status",
            "string",
            required=True,
            allowed=("new", "open", "pending", "solved", "closed"),
        ),
        Column("priority", "string", allowed=("low", "normal", "high", "urgent")),
        Column(
            "category",
            "string",
            allowed=(
                "question",
                "incident",
                "problem",
                "billing",
                "integration",
                "feature_request",
                "other",
            ),
        ),
        Column("first_response_at", "timestamp"),
        Column("solved_at", "timestamp"),
        Column("satisfaction", "string", allowed=("good", "bad")),
    ),
)

COMMUNITY_EVENTS = Source(
    "community_events",
    required=False,
    day_column="occurred_at",
    columns=(
        Column("event_id", "string", required=True),
        Column("occurred_at", "timestamp", required=True),
        Column(
            "event_type",
            "string",
            required=True,
            allowed=(
                "page_view",
                "docs_view",
                "blog_comment",
                "rss_subscribe",
                "social_mention",
                "github_star",
                "github_fork",
                "github_follow",
                "forum_post",
                "newsletter_signup",
            ),
        ),
        Column("visitor_id", "string"),
        Column("developer_id", "string"),
        Column("url", "string"),
        Column("channel", "string"),
    ),
)

PROGRAM_EVENTS = Source(
    "program_events",
    required=False,
    day_column="occurred_at",
    columns=(
        Column("event_id", "string", required=True),
        Column("occurred_at", "timestamp", required=True),
        Column("program", "string", required=True, allowed=("certification", "audit", "showcase")),
        Column("subject_type", "string", required=True, allowed=("developer", "application")),
        Column("subject_id", "string", required=True),
        Column(
            "outcome",
            "string",
            required=True,
            allowed=("passed", "failed", "revoked", "featured", "removed"),
        ),
    ),
    row_rules=(
        (
            "outcome",
            "(program = 'certification' and outcome in ('passed', 'failed', 'revoked'))"
            " or (program = 'audit' and outcome in ('passed', 'failed'))"
            " or (program = 'showcase' and outcome in ('featured', 'removed'))",
            "outcome not allowed for this program",
        ),
    ),
)

SUBSCRIPTIONS = Source(
    "subscriptions",
    required=False,
    day_column="effective_at",
    columns=(
        Column("account_id", "string", required=True),
        Column("plan_id", "string", required=True),
        Column("effective_at", "timestamp", required=True),
        Column("committed_monthly_usd", "decimal", min_value=0),
    ),
)

CREDIT_GRANTS = Source(
    "credit_grants",
    required=False,
    day_column="granted_at",
    columns=(
        Column("grant_id", "string", required=True),
        Column("account_id", "string", required=True),
        Column("granted_at", "timestamp", required=True),
        Column("amount_usd", "decimal", required=True, min_value=0, min_exclusive=True),
        Column("expires_at", "timestamp", may_be_future=True),
    ),
)

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        SIGNUPS,
        APPLICATIONS,
        API_LOGS,
        SUPPORT_TICKETS,
        COMMUNITY_EVENTS,
        PROGRAM_EVENTS,
        SUBSCRIPTIONS,
        CREDIT_GRANTS,
    )
}
