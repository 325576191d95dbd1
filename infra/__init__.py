"""What Chalice does not deploy, rendered into `infra/resources.json` (see infra/README.md)."""
