"""Storage: the single DynamoDB table. Keys are built in keys.py only; models stay private."""
