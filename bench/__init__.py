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
3. Cold start (bench/imports.py, bench/package_size.py): CPU time of `import app` in a fresh
   interpreter next to a bare `import boto3`, the floor every Python Lambda on AWS pays (goal:
   <= 1.5x), and of `import app` plus each route area a first request loads (goals: public API
   <= 1.2x, owner side <= 1.5x), each with the app's source compiled at start and with bytecode
   (what the zip ships); the prod deployment package's size, zipped and unzipped (goal: < 10 MB zipped,
   boto3 not bundled).
4. Items read by the scheduled sweeps (bench/sweep_reads.py) with 1k, 10k and 100k appointments.
6. Message cost per appointment (bench/message_cost.py): the real dispatcher over a month of an
   Italian salon's messages on the local providers, published prices, SMS only against a client
   mix of 50% WhatsApp, 30% e-mail, 20% SMS only, and that mix with online actions texted too
   (`message_cost.per_appointment_usd.mixed`, `.sms_only` and `.mixed_receipts_texted` in
   BENCH_JSON; goal: mixed <= $0.05).

Nothing here asserts: the figures are for people (and CI dashboards) to read.
"""
