"""The working-day calendar every deadline uses (docs/workdays.md)."""
