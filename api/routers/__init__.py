"""HTTP routers, one per area."""
