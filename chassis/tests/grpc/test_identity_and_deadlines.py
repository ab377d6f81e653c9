"""The caller travels as metadata into `current_caller()`; deadlines pass on from a server
call to the calls it makes."""

from __future__ import annotations

import json
import time

import grpc
import pytest
from chassis.grpc import make_channel
from chassis.identity import Caller, reset_caller, set_caller


def test_the_caller_metadata_arrives_in_current_caller(call) -> None:
    caller = Caller("u-7", frozenset({"sales_manager"}), frozenset({"team-north", "team-east"}))
    seen = json.loads(call("WhoAmI", metadata=caller.to_metadata()))
    assert seen == {"user_id": "u-7", "roles": ["sales_manager"], "team_ids": ["team-east", "team-north"]}


def test_a_call_without_a_caller_is_unauthenticated_when_the_handler_needs_one(call) -> None:
    with pytest.raises(grpc.RpcError) as failure:
        call("WhoAmI")
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_the_client_sends_the_current_caller_when_the_call_names_none(call) -> None:
    token = set_caller(Caller("u-9", frozenset({"admin"})))
    try:
        seen = json.loads(call("WhoAmI"))
    finally:
        reset_caller(token)
    assert seen["user_id"] == "u-9"


def test_a_call_that_names_its_own_caller_keeps_it(call) -> None:
    token = set_caller(Caller("u-9", frozenset({"admin"})))
    try:
        seen = json.loads(call("WhoAmI", metadata=Caller.system("contacts-consumer").to_metadata()))
    finally:
        reset_caller(token)
    assert seen == {"user_id": "contacts-consumer", "roles": ["system"], "team_ids": []}


def test_the_caller_does_not_leak_into_the_next_call_on_the_same_thread(
    start_server, probe, probe_service_name
) -> None:
    server = start_server([probe.register], [probe_service_name], max_workers=1)
    channel = make_channel(server.address)
    who_am_i = channel.unary_unary(f"/{probe_service_name}/WhoAmI")
    assert json.loads(who_am_i(b"", metadata=Caller("u-1").to_metadata()))["user_id"] == "u-1"
    with pytest.raises(grpc.RpcError) as failure:
        who_am_i(b"")
    assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
    channel.close()


def test_a_call_without_a_timeout_gets_the_default_deadline(probe_server) -> None:
    channel = make_channel(probe_server.address, default_timeout=2.0)
    seen = json.loads(channel.unary_unary("/crm.test.v1.ProbeService/Remaining")(b""))
    channel.close()
    # 2 s, not the 5 s built-in default (the server's clock may read a few ms more than 2 s).
    assert 0 < seen["time_remaining"] < 2.5
    assert 0 < seen["bound"] < 2.5


def test_a_nested_call_gets_no_more_time_than_its_server_call_has_left(
    start_server, probe, probe_service_name
) -> None:
    server_a = start_server([probe.register], [probe_service_name], service_name="a")
    server_b = start_server([probe.register], [probe_service_name], service_name="b")
    channel = make_channel(server_a.address)
    caller = Caller("u-3", frozenset({"sales_rep"}))
    # A's relay asks B with timeout=60 s, but A's own caller allows only 3 s.
    relayed = json.loads(
        channel.unary_unary(f"/{probe_service_name}/Relay")(
            server_b.address.encode(), timeout=3.0, metadata=caller.to_metadata()
        )
    )
    channel.close()
    downstream = relayed["downstream"]["time_remaining"]
    assert downstream < 10.0, "B got the 60 s A asked for, not what A's caller allowed"
    # B's deadline is A's deadline minus the time spent; allow for clock rounding between them.
    assert 0 < downstream <= relayed["own"] + 0.1
    assert relayed["caller"]["user_id"] == "u-3"


def test_a_call_whose_deadline_passes_while_queued_never_reaches_the_handler(
    start_server, probe, probe_service_name
) -> None:
    server = start_server([probe.register], [probe_service_name], max_workers=1)
    channel = make_channel(server.address)
    busy = channel.unary_unary(f"/{probe_service_name}/Slow").future(b"0.6", timeout=10)
    time.sleep(0.1)  # the only worker is taken
    with pytest.raises(grpc.RpcError) as failure:
        channel.unary_unary(f"/{probe_service_name}/Touch")(b"", timeout=0.2)
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert busy.result() == b"done"
    # The queued call had its turn after the busy one; it must not have run.
    assert channel.unary_unary(f"/{probe_service_name}/Slow")(b"0", timeout=5) == b"done"
    assert probe.touched == 0
    channel.close()
