"""HTTP edge: parse and validate, call one service, shape the answer."""
