"""Public booking pages (HTML)."""
from chalice import Blueprint

pages = Blueprint(__name__)
