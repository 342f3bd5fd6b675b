"""Briefings: the letter to parliament (Kamerbrief), the decision note (beslisnota) and a briefing note
for partners, drafted from cited data. Pure parts (the model, formatting, rendering); the use cases
that gather facts for an audience live in `reaimhub.services.briefings`."""
