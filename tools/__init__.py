"""Scripts that make the committed assets; not part of the service."""
