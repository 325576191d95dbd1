"""The one table: key schema, indexes and TTL. The local stack, the tests and `infra/` all
create it from this definition, and the models use these attribute names."""

PK, SK = "PK", "SK"
GSI1, GSI1PK, GSI1SK = "GSI1", "GSI1PK", "GSI1SK"
GSI2, GSI2PK, GSI2SK = "GSI2", "GSI2PK", "GSI2SK"
TTL_ATTRIBUTE = "expires_at"

INDEXES = {GSI1: (GSI1PK, GSI1SK), GSI2: (GSI2PK, GSI2SK)}


def table_definition(name: str) -> dict:
    """Arguments for DynamoDB CreateTable (on-demand); also rendered into CloudFormation."""
    attributes = [PK, SK] + [a for pair in INDEXES.values() for a in pair]
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in attributes],
        "KeySchema": [{"AttributeName": PK, "KeyType": "HASH"}, {"AttributeName": SK, "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index,
                "KeySchema": [{"AttributeName": hk, "KeyType": "HASH"}, {"AttributeName": rk, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, (hk, rk) in INDEXES.items()
        ],
    }


def ensure_table(client, name: str) -> bool:
    """Create the table if it is missing (a botocore DynamoDB client). True when created."""
    existing = client.list_tables().get("TableNames", [])
    if name in existing:
        return False
    client.create_table(**table_definition(name))
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )
    return True
