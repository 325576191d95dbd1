"""What the owner's pages need besides templates."""
