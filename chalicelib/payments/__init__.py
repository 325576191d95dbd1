"""Payment providers behind one interface (base.py): Stripe (stripe_provider.py) and a local twin
for `make run` and tests (local.py). No card data ever reaches the app: clients pay on the
provider's hosted checkout, and the provider's signed webhook tells us it happened."""
