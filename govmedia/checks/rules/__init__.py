"""Rules that are not word lists: privacy, format, links and leaders."""
