"""Briefings drafted from the data (issue 10)."""
