"""The Dagster code location of Hourglass: thin wrappers over the hourglass package."""
