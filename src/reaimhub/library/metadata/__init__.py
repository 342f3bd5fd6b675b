"""Metadata from content: title, date, document type and own symbol (the enrich step's rules)."""
