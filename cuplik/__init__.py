"""cuplik: cuplik."""
