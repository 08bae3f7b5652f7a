"""Channel message processing: inbox, per-thread turns, outbox and job queues."""
