"""Event contracts (one module per producing service), the envelope, and the topic registry."""
