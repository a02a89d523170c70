"""The gRPC channel to the gateway: plain, TLS, or OAuth client credentials (remote / SaaS clusters)."""

import grpc
from pyzeebe import create_insecure_channel, create_oauth2_client_credentials_channel, create_secure_channel

from workers.settings import WorkerSettings

KEEPALIVE = (("grpc.keepalive_time_ms", 30_000), ("grpc.keepalive_timeout_ms", 10_000))


def create_channel(settings: WorkerSettings) -> grpc.aio.Channel:
    if settings.channel == "plain":
        return create_insecure_channel(grpc_address=settings.gateway_address, channel_options=KEEPALIVE)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=settings.tls_root_certificate.read_bytes() if settings.tls_root_certificate else None
    )
    if settings.channel == "tls":
        return create_secure_channel(
            grpc_address=settings.gateway_address, channel_options=KEEPALIVE, channel_credentials=credentials
        )
    return create_oauth2_client_credentials_channel(
        grpc_address=settings.gateway_address,
        client_id=settings.oauth_client_id,
        client_secret=settings.oauth_client_secret.get_secret_value(),
        authorization_server=settings.oauth_token_url,
        audience=settings.oauth_audience,
        channel_credentials=credentials,
        channel_options=KEEPALIVE,
    )
