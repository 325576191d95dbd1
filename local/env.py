"""Environment of the local stack: fake AWS credentials for DynamoDB Local, the table name."""
import os

LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "eu-south-1",
    "AWS_REGION": "eu-south-1",
    "TABLE_NAME": "chairtime",
    "STAGE": "local",
    "POWERTOOLS_SERVICE_NAME": "chairtime",
}


def apply(endpoint: str, **extra: str) -> None:
    os.environ.update(LOCAL_ENV)
    os.environ["DYNAMODB_ENDPOINT"] = endpoint
    os.environ.update(extra)


def dynamodb_client(endpoint: str):
    import boto3

    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=LOCAL_ENV["AWS_REGION"],
                        aws_access_key_id="local", aws_secret_access_key="local")
