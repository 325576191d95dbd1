"""Scheduled and event-driven entry points: take `now`, call one service."""
