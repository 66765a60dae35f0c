"""cuplik: store."""
