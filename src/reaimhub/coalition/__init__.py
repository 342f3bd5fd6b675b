"""The coalition tracker: positions, roll calls and analytics over states (issue 3)."""
