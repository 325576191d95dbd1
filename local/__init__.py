"""The local stack: DynamoDB Local, the demo salon, the dev server (never deployed)."""
