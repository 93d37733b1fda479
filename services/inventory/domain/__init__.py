"""Pure business rules of the inventory service."""
