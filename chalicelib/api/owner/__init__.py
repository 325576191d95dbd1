"""The owner side's routes, one module per area and its route modules."""
