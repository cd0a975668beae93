"""Why a target is missed, by case key (shown in RESULTS.md only when it is missed)."""

REASONS = {}
