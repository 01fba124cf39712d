"""What every chat platform front end shares: the engine's one thread, the durable send
ledger, per-chat lanes, the sender and outbox loop, and the per-person flood limit."""
