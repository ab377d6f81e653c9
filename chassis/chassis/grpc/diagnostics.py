"""`crm.diagnostics.v1.DiagnosticsService`, served by every service: a round trip with no
domain work, for operators checking reachability and as the benchmarks' bare-RPC baseline."""

from __future__ import annotations

import grpc
from crm.diagnostics.v1 import diagnostics_pb2, diagnostics_pb2_grpc

DIAGNOSTICS_SERVICE_NAME: str = diagnostics_pb2.DESCRIPTOR.services_by_name["DiagnosticsService"].full_name


class DiagnosticsServicer(diagnostics_pb2_grpc.DiagnosticsServiceServicer):
    """Echoes the payload and names the service that answered."""

    def __init__(self, service_name: str) -> None:
        self.service_name = service_name

    def Echo(  # noqa: N802 (the RPC's name)
        self, request: diagnostics_pb2.EchoRequest, context: grpc.ServicerContext
    ) -> diagnostics_pb2.EchoResponse:
        return diagnostics_pb2.EchoResponse(payload=request.payload, service=self.service_name)


def register_diagnostics(server: grpc.Server, service_name: str) -> None:
    diagnostics_pb2_grpc.add_DiagnosticsServiceServicer_to_server(DiagnosticsServicer(service_name), server)
