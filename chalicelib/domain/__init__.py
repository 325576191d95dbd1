"""Pure domain: no AWS, Chalice or PynamoDB imports. `now` always comes in as an argument."""
