"""cuplik: domain."""
