"""Pure business rules of the visits service."""
