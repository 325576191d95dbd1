"""`make bench`: figures about Chairtime's cost, printed as a table plus one `BENCH_JSON {...}` line.

1. DynamoDB requests per operation (bench/request_counts.py): how many DynamoDB API calls one
   availability search, booking, idempotent replay, manage view and cancel make, counted on
   botocore's `before-call` events of every client PynamoDB uses, in a salon with 10 and one
   with 10,000 appointments. Requests are what a Lambda waits on and what on-demand billing
   charges, so they must not grow with the salon's history. Goals: availability <= 2,
   booking <= 3 (idempotency included).
2. Pure availability computation (bench/availability_speed.py): milliseconds per
   `domain.availability.free_slots` call for 10 staff over 31 days with 500 appointments, with no
   I/O at all: the CPU a 31-day availability request costs on top of its two queries.
3. Cold-start proxy (bench/imports.py): wall time of `import app` in a fresh interpreter next to
   a bare `import boto3`, the floor every Python Lambda on AWS pays. Goal: <= 1.5x.

Nothing here asserts: the figures are for people (and CI dashboards) to read.
"""
