"""Hourglass: API value-generation funnel and account health marts in DuckDB."""
