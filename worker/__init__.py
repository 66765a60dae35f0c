"""cuplik: worker."""
