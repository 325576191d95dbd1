"""The client's area at a salon: its pages, its JSON API and their sign-in."""
