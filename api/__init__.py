"""cuplik: api."""
