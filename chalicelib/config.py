"""Configuration, read once from the environment (set per stage in .chalice/config.json)."""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    table_name: str
    region: str
    dynamodb_endpoint: str | None  # DynamoDB Local in `make run` and tests; None on AWS
    public_base_url: str | None  # e.g. https://book.example.com; None: taken from the request
    stage: str

    @classmethod
    def from_env(cls, env=None) -> "Config":
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("TABLE_NAME", "chairtime"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-south-1",
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            public_base_url=(env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            stage=env.get("STAGE", "dev"),
        )
