"""Channel adapters: parse provider requests into InboundMessages and render replies back."""
