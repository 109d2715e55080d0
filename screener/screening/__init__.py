"""Screening: study state from events, decisions, queue, ranking, agreement, stopping."""
