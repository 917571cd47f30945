"""system.toml validation: every kind of bad input is refused with the key and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from questv.config import MONITOR_RESERVE_MIB, ConfigError, load, parse


@pytest.fixture
def default_toml(default_toml: dict[str, Any]) -> dict[str, Any]:
    """The repository's partition layout without its services and channels, so that
    each test adds just what it checks (channel[0] is the test's own, and no module
    needs an apps folder). test_default_apps.py checks the services themselves."""
    for sb in default_toml["sandbox"]:
        sb.pop("service", None)
    default_toml.pop("channel", None)
    return default_toml


def refused(data: dict[str, Any], *, test_build: bool = False) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse(data, "system.toml", test_build=test_build)
    return info.value


def add_channel(data: dict[str, Any], **over: Any) -> dict[str, Any]:
    channel = {"name": "ctl", "producer": "sb1", "consumer": "sb2", "slot_size": 64,
               "slots": 16}
    channel.update(over)
    data.setdefault("channel", []).append(channel)
    return data


def test_default_system_is_four_sandboxes_one_core_each(default_toml):
    system = parse(default_toml)
    assert [sb.cores for sb in system.sandboxes] == [(0,), (1,), (2,), (3,)]
    assert [sb.memory_mib for sb in system.sandboxes] == [64] * 4
    assert system.machine.cores == 4 and system.machine.memory_mib == 512
    assert system.devices[0].name == "uart0" and system.devices[0].owner == 0
    assert system.supervisor == 0
    assert all(sb.heartbeat_ms > 0 for sb in system.sandboxes)
    assert not system.has_test_attacks


def test_error_message_names_file_key_and_reason(default_toml):
    default_toml["sandbox"][2]["cores"] = [1]
    err = refused(default_toml)
    assert str(err) == 'system.toml: sandbox[2].cores: core 1 is already given to sandbox "sb1"'
    assert err.key == "sandbox[2].cores"


def test_unknown_key_in_sandbox_names_its_path_and_suggests(default_toml):
    default_toml["sandbox"][2]["memroy_mib"] = 64
    err = refused(default_toml)
    assert err.key == "sandbox[2].memroy_mib"
    assert "unknown key" in err.reason and '"memory_mib"' in err.reason


@pytest.mark.parametrize("where", ["top", "machine", "system", "device", "channel"])
def test_unknown_key_anywhere(default_toml, where):
    add_channel(default_toml)
    target = {"top": default_toml, "machine": default_toml["machine"],
              "system": default_toml["system"], "device": default_toml["device"][0],
              "channel": default_toml["channel"][0]}[where]
    target["colour"] = "blue"
    expected = {"top": "colour", "machine": "machine.colour", "system": "system.colour",
                "device": "device[0].colour", "channel": "channel[0].colour"}[where]
    assert refused(default_toml).key == expected


def test_missing_required_key(default_toml):
    del default_toml["sandbox"][1]["memory_mib"]
    err = refused(default_toml)
    assert (err.key, err.reason) == ("sandbox[1].memory_mib", "missing (required)")


def test_missing_machine_table(default_toml):
    del default_toml["machine"]
    assert refused(default_toml).key == "machine"


@pytest.mark.parametrize("value, reason", [
    ("64", "expected an integer, got a string"),
    (True, "expected an integer, got a boolean"),
    (64.0, "expected an integer, got a float"),
])
def test_wrong_type(default_toml, value, reason):
    default_toml["sandbox"][0]["memory_mib"] = value
    err = refused(default_toml)
    assert (err.key, err.reason) == ("sandbox[0].memory_mib", reason)


def test_cores_must_be_a_list_of_integers(default_toml):
    default_toml["sandbox"][0]["cores"] = ["0"]
    err = refused(default_toml)
    assert err.key == "sandbox[0].cores" and "item 0: expected an integer" in err.reason


def test_core_beyond_machine(default_toml):
    default_toml["sandbox"][3]["cores"] = [4]
    err = refused(default_toml)
    assert err.key == "sandbox[3].cores"
    assert "core 4 does not exist" in err.reason and "machine.cores is 4" in err.reason


def test_core_twice_in_one_sandbox(default_toml):
    default_toml["sandbox"][3]["cores"] = [3, 3]
    assert refused(default_toml).reason == "core 3 is already given to this sandbox"


def test_sandbox_without_core(default_toml):
    default_toml["sandbox"][3]["cores"] = []
    assert refused(default_toml).key == "sandbox[3].cores"


def test_memory_beyond_machine_names_the_sandbox_that_overflows(default_toml):
    default_toml["sandbox"][3]["memory_mib"] = 512 - MONITOR_RESERVE_MIB - 3 * 64 + 1
    err = refused(default_toml)
    assert err.key == "sandbox[3].memory_mib"
    assert "does not fit" in err.reason and "machine.memory_mib is 512" in err.reason


def test_memory_exactly_filling_the_machine_is_accepted(default_toml):
    # 1 MiB for the channels of the consoles of sb1..sb3 (5 pages each)
    default_toml["sandbox"][3]["memory_mib"] = 512 - MONITOR_RESERVE_MIB - 3 * 64 - 1
    assert parse(default_toml).memory_needed_mib() == 512


def test_channel_rings_count_against_memory(default_toml):
    default_toml["sandbox"][3]["memory_mib"] = 512 - MONITOR_RESERVE_MIB - 3 * 64
    # 1024 slots of 16 + 4096 bytes after a 128-byte header: 1029 producer pages
    # and one consumer page (qv_chan_layout), just over 4 MiB, so 5 MiB
    add_channel(default_toml, slot_size=4096, slots=1024)
    err = refused(default_toml)
    assert err.key == "channel" and "5 MiB more" in err.reason


def test_device_owned_twice(default_toml):
    default_toml["sandbox"][1]["devices"] = ["uart0"]
    err = refused(default_toml)
    assert err.key == "sandbox[1].devices"
    assert err.reason == 'device "uart0" is already owned by sandbox "sb0"'


def test_device_not_declared(default_toml):
    default_toml["sandbox"][1]["devices"] = ["nic0"]
    err = refused(default_toml)
    assert err.key == "sandbox[1].devices" and '"nic0" is not declared' in err.reason


def test_device_declared_but_not_owned(default_toml):
    default_toml["device"].append({"name": "com2", "kind": "uart16550", "io": [0x2F8, 8]})
    err = refused(default_toml)
    assert err.key == "device[1]" and "no sandbox lists it" in err.reason


def test_device_ports_overlap(default_toml):
    default_toml["device"].append({"name": "com1b", "kind": "uart16550", "io": [0x3FC, 8]})
    default_toml["sandbox"][1]["devices"] = ["com1b"]
    err = refused(default_toml)
    assert err.key == "device[1].io" and '"uart0"' in err.reason


def test_device_ports_past_the_io_space(default_toml):
    default_toml["device"][0]["io"] = [0xFFFC, 8]
    assert "run past 0xffff" in refused(default_toml).reason


def test_uart_needs_ports(default_toml):
    del default_toml["device"][0]["io"]
    assert refused(default_toml).key == "device[0].io"


@pytest.mark.parametrize("pci, reason", [
    (None, "missing"),
    ("0:3.0", "not a PCI address"),
    ("00:20.0", "above 31"),
])
def test_pci_device_address(default_toml, pci, reason):
    dev = {"name": "nic0", "kind": "pci"}
    if pci is not None:
        dev["pci"] = pci
    default_toml["device"].append(dev)
    default_toml["sandbox"][1]["devices"] = ["nic0"]
    err = refused(default_toml)
    assert err.key == "device[1].pci" and reason in err.reason


def test_pci_address_encoded_as_bdf(default_toml):
    default_toml["device"].append({"name": "nic0", "kind": "pci", "pci": "01:03.2", "irq": 11})
    default_toml["sandbox"][1]["devices"] = ["nic0"]
    nic = parse(default_toml).devices[1]
    assert nic.pci_bdf == (1 << 8 | 3 << 3 | 2) and nic.owner == 1 and nic.irq == 11


def test_uart_with_pci_address(default_toml):
    default_toml["device"][0]["pci"] = "00:03.0"
    assert refused(default_toml).key == "device[0].pci"


def test_bad_device_kind(default_toml):
    default_toml["device"][0]["kind"] = "uart8250"
    err = refused(default_toml)
    assert err.key == "device[0].kind" and "uart16550, pci" in err.reason


@pytest.mark.parametrize("end", ["producer", "consumer"])
def test_channel_to_missing_sandbox(default_toml, end):
    add_channel(default_toml, **{end: "sb9"})
    err = refused(default_toml)
    assert (err.key, err.reason) == (f"channel[0].{end}", 'no sandbox is named "sb9"')


def test_channel_to_itself(default_toml):
    add_channel(default_toml, consumer="sb1")
    assert refused(default_toml).key == "channel[0].consumer"


@pytest.mark.parametrize("over, key", [
    ({"slot_size": 4}, "slot_size"),
    ({"slot_size": 1 << 20}, "slot_size"),
    ({"slot_size": 60}, "slot_size"),
    ({"slots": 1}, "slots"),
    ({"slots": 100}, "slots"),
    ({"slots": 8192}, "slots"),
])
def test_channel_slot_sizes_out_of_range(default_toml, over, key):
    add_channel(default_toml, **over)
    assert refused(default_toml).key == f"channel[0].{key}"


def test_valid_channel_resolves_ids(default_toml):
    add_channel(default_toml)
    ch = parse(default_toml).channels[0]
    assert (ch.producer, ch.consumer, ch.slot_size, ch.slots) == (1, 2, 64, 16)


@pytest.mark.parametrize("table", ["sandbox", "device", "channel"])
def test_duplicate_names(default_toml, table):
    add_channel(default_toml)
    add_channel(default_toml, name="ctl2")
    if table == "device":
        default_toml["device"].append({"name": "uart0", "kind": "uart16550", "io": [0x2F8, 8]})
    default_toml[table][-1]["name"] = default_toml[table][0]["name"]
    err = refused(default_toml)
    assert err.key == f"{table}[{len(default_toml[table]) - 1}].name"
    assert "already the name of" in err.reason


def test_supervisor_not_a_sandbox(default_toml):
    default_toml["system"]["supervisor"] = "uart0"
    err = refused(default_toml)
    assert err.key == "system.supervisor" and "not the name of a sandbox" in err.reason


def test_bad_on_fault(default_toml):
    default_toml["sandbox"][1]["on_fault"] = "reboot"
    err = refused(default_toml)
    assert err.key == "sandbox[1].on_fault" and "halt, restart, quarantine" in err.reason


def test_bad_name(default_toml):
    default_toml["sandbox"][1]["name"] = "a name with spaces"
    assert refused(default_toml).key == "sandbox[1].name"


def test_name_longer_than_manifest_field(default_toml):
    default_toml["sandbox"][1]["name"] = "s" * 17
    assert "longer than 16 bytes" in refused(default_toml).reason


def test_too_many_sandboxes(default_toml):
    default_toml["sandbox"] = [dict(default_toml["sandbox"][1], name=f"s{i}", cores=[0])
                               for i in range(17)]
    assert refused(default_toml).key == "sandbox"


def test_heartbeat_out_of_range(default_toml):
    default_toml["sandbox"][0]["heartbeat_ms"] = -1
    assert refused(default_toml).key == "sandbox[0].heartbeat_ms"


def test_test_attacks_refused_without_test_build(default_toml):
    default_toml["sandbox"][2]["test_attacks"] = ["write_monitor"]
    err = refused(default_toml)
    assert err.key == "sandbox[2].test_attacks" and "--test" in err.reason


def test_test_attacks_resolve_names_in_a_test_build(default_toml):
    default_toml["sandbox"][2]["test_attacks"] = ["write_sandbox:sb1", "write_monitor",
                                                  "write_ept"]
    default_toml["sandbox"][3]["test_attacks"] = ["io_port:uart0"]
    system = parse(default_toml, test_build=True)
    assert [a.encoded for a in system.sandboxes[2].test_attacks] == [1 | 1 << 8, 2, 3]
    assert [a.encoded for a in system.sandboxes[3].test_attacks] == [4 | 0 << 8]


@pytest.mark.parametrize("attack, reason", [
    ("smash_stack", "unknown attack"),
    ("write_sandbox", "needs a sandbox name"),
    ("write_sandbox:sb9", 'no sandbox is named "sb9"'),
    ("write_sandbox:sb2", "its own memory"),
    ("write_monitor:sb1", "takes no argument"),
    ("io_port:lpt1", 'no device is named "lpt1"'),
])
def test_bad_test_attack(default_toml, attack, reason):
    default_toml["sandbox"][2]["test_attacks"] = [attack]
    err = refused(default_toml, test_build=True)
    assert err.key == "sandbox[2].test_attacks" and reason in err.reason


def test_io_attack_on_an_owned_device_is_refused(default_toml):
    default_toml["sandbox"][0]["test_attacks"] = ["io_port:uart0"]
    assert "owns" in refused(default_toml, test_build=True).reason


def test_rtc_workloads_name_a_device_the_owner_owns_and_the_taker_does_not(default_toml):
    # the RTC (an "isa" device: ports and an irq, no PCI address) owned by sb1
    default_toml["device"].append({"name": "rtc", "kind": "isa", "io": [0x70, 2], "irq": 8})
    default_toml["sandbox"][1]["devices"] = ["rtc"]
    default_toml["sandbox"][1]["test_attacks"] = ["rtc_irq:rtc", "write_ioapic"]
    default_toml["sandbox"][2]["test_attacks"] = ["rtc_take:rtc"]
    system = parse(default_toml, test_build=True)
    rtc = next(d for d in system.devices if d.name == "rtc")
    assert (rtc.kind, rtc.irq, rtc.owner) == ("isa", 8, 1)
    assert [a.encoded for a in system.sandboxes[1].test_attacks] == [22 | rtc.id << 8, 24]
    assert [a.encoded for a in system.sandboxes[2].test_attacks] == [23 | rtc.id << 8]
    default_toml["sandbox"][2]["test_attacks"] = ["rtc_irq:rtc"]
    assert "does not own" in refused(default_toml, test_build=True).reason
    default_toml["sandbox"][2]["test_attacks"] = []
    default_toml["sandbox"][1]["test_attacks"] = ["rtc_take:rtc"]
    assert "owns" in refused(default_toml, test_build=True).reason


def test_too_many_attacks(default_toml):
    default_toml["sandbox"][2]["test_attacks"] = ["write_monitor"] * 9
    assert "at most 8" in refused(default_toml, test_build=True).reason


def test_toml_syntax_error_names_the_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[machine]\ncores = \n")
    with pytest.raises(ConfigError) as info:
        load(bad)
    assert info.value.key == "(syntax)" and str(info.value).startswith(f"{bad}: (syntax): ")


def test_missing_file(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "nope.toml")
    assert "cannot read it" in info.value.reason


def test_unknown_top_level_key_suggests_the_close_one(default_toml):
    default_toml["machin"] = default_toml.pop("machine")
    err = refused(default_toml)
    assert err.key == "machin"
    assert err.reason.startswith('unknown key (did you mean "machine"?)')


def test_single_table_where_an_array_of_tables_belongs(default_toml):
    default_toml["sandbox"] = default_toml["sandbox"][0]  # [sandbox] instead of [[sandbox]]
    err = refused(default_toml)
    assert err.key == "sandbox" and "[[sandbox]]" in err.reason


def test_scalar_where_a_table_belongs(default_toml):
    default_toml["machine"] = 4
    err = refused(default_toml)
    assert (err.key, err.reason) == ("machine", "expected a table, got an integer")


# ---------------------------------------------------------------------------
# Python in the sandboxes: apps, heaps, services, watchdog, recovery timeout


def with_app(tmp_path: Path, name: str = "blink", text: str = "x = 1\n") -> Path:
    """An apps folder next to a system.toml in tmp_path holding one module."""
    apps = tmp_path / "apps"
    apps.mkdir(exist_ok=True)
    (apps / f"{name}.py").write_text(text)
    return apps


def service(**over: Any) -> dict[str, Any]:
    svc = {"name": "blink", "module": "blink", "budget_us": 1000, "period_us": 10000}
    svc.update(over)
    return svc


def parse_in(tmp_path: Path, data: dict[str, Any]):
    return parse(data, str(tmp_path / "system.toml"), pylib=tmp_path / "no-pylib")


def refused_in(tmp_path: Path, data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_in(tmp_path, data)
    return info.value


def test_python_keys_have_their_defaults(default_toml, tmp_path):
    system = parse_in(tmp_path, default_toml)
    assert system.recovery_timeout_ms == 2000
    for sb in system.sandboxes:
        assert (sb.repl_heap_kib, sb.fs_kib, sb.watchdog_ms) == (256, 256, 0)
        assert sb.services == () and sb.apps == ()   # no apps folder next to this toml


def test_apps_default_to_the_apps_folder_when_it_exists(default_toml, tmp_path):
    with_app(tmp_path)
    system = parse_in(tmp_path, default_toml)
    assert all(sb.apps == (tmp_path / "apps",) for sb in system.sandboxes)


def test_service_keys_are_read(default_toml, tmp_path):
    with_app(tmp_path)
    with_app(tmp_path, "blink_safe")
    default_toml["sandbox"][1]["service"] = [service(
        heap_kib=96, restart="backoff", restart_limit=3, backoff_ms=250, alternate="blink_safe",
        start="manual")]
    default_toml["sandbox"][1].update(repl_heap_kib=128, fs_kib=64, watchdog_ms=500)
    default_toml["system"]["recovery_timeout_ms"] = 750
    system = parse_in(tmp_path, default_toml)
    sb = system.sandboxes[1]
    assert (sb.repl_heap_kib, sb.fs_kib, sb.watchdog_ms) == (128, 64, 500)
    assert system.recovery_timeout_ms == 750
    (svc,) = sb.services
    assert (svc.name, svc.module, svc.budget_us, svc.period_us, svc.heap_kib) == \
        ("blink", "blink", 1000, 10000, 96)
    assert (svc.restart, svc.restart_limit, svc.backoff_ms, svc.alternate, svc.start) == \
        ("backoff", 3, 250, "blink_safe", "manual")


def test_service_defaults(default_toml, tmp_path):
    with_app(tmp_path)
    default_toml["sandbox"][1]["service"] = [service()]
    (svc,) = parse_in(tmp_path, default_toml).sandboxes[1].services
    assert (svc.heap_kib, svc.restart, svc.restart_limit, svc.backoff_ms, svc.alternate,
            svc.start) == (192, "never", 0, 100, None, "boot")


@pytest.mark.parametrize("key, value, reason", [
    ("repl_heap_kib", 8, "out of range"),
    ("repl_heap_kib", "256", "expected an integer"),
    ("fs_kib", 0, "out of range"),
    ("watchdog_ms", -1, "out of range"),
    ("watchdog_ms", 1.5, "expected an integer"),
    ("apps", "apps", "expected a list"),
])
def test_bad_sandbox_python_key(default_toml, tmp_path, key, value, reason):
    default_toml["sandbox"][2][key] = value
    err = refused_in(tmp_path, default_toml)
    assert err.key == f"sandbox[2].{key}" and reason in err.reason


def test_recovery_timeout_must_be_positive(default_toml, tmp_path):
    default_toml["system"]["recovery_timeout_ms"] = 0
    err = refused_in(tmp_path, default_toml)
    assert err.key == "system.recovery_timeout_ms" and "out of range" in err.reason


def test_missing_app_path_is_refused(default_toml, tmp_path):
    default_toml["sandbox"][1]["apps"] = ["nowhere"]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].apps" and '"nowhere": no such file' in err.reason


def test_app_that_is_not_python_is_refused(default_toml, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    default_toml["sandbox"][1]["apps"] = ["notes.txt"]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].apps" and "not a .py file" in err.reason


def test_one_module_from_two_app_paths_is_refused(default_toml, tmp_path):
    with_app(tmp_path)
    (tmp_path / "more").mkdir()
    (tmp_path / "more/blink.py").write_text("y = 2\n")
    default_toml["sandbox"][1]["apps"] = ["apps", "more"]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].apps" and 'module "blink" is given twice' in err.reason


def test_app_shadowing_pylib_is_refused(default_toml, tmp_path):
    pylib = tmp_path / "pylib/quest"
    pylib.mkdir(parents=True)
    (pylib / "__init__.py").write_text("")
    with_app(tmp_path, "quest")
    with pytest.raises(ConfigError) as info:
        parse(default_toml, str(tmp_path / "system.toml"), pylib=tmp_path / "pylib")
    assert info.value.key == "sandbox[0].apps" and "shadow" in info.value.reason


def test_app_files_and_packages_give_modules(default_toml, tmp_path):
    from questv.compile import find_modules

    apps = with_app(tmp_path)
    (apps / "pkg").mkdir()
    (apps / "pkg/__init__.py").write_text("")
    (apps / "pkg/inner.py").write_text("")
    (apps / "not-a-module.py").write_text("")
    (apps / "__pycache__").mkdir()
    (tmp_path / "single.py").write_text("")
    found = find_modules([apps, tmp_path / "single.py"])
    assert sorted(found) == ["blink", "pkg", "pkg.inner", "single"]
    assert found["pkg"].package and not found["pkg.inner"].package
    default_toml["sandbox"][1]["apps"] = ["apps", "single.py"]
    default_toml["sandbox"][1]["service"] = [service(module="pkg.inner"),
                                             service(name="two", module="single")]
    assert len(parse_in(tmp_path, default_toml).sandboxes[1].services) == 2


@pytest.mark.parametrize("over, key, reason", [
    ({"module": "nothere"}, "module", 'no module "nothere"'),
    ({"alternate": "nothere"}, "alternate", 'no module "nothere"'),
    ({"module": "bad-name"}, "module", "not a module name"),
    ({"name": "x" * 32}, "name", "longer than 31 bytes"),
    ({"name": "a.b"}, "name", "is not a name"),
    ({"budget_us": 0}, "budget_us", "out of range"),
    ({"budget_us": 20000}, "budget_us", "more than the period"),
    ({"period_us": 2 ** 41}, "period_us", "out of range"),
    ({"heap_kib": 8}, "heap_kib", "out of range"),
    ({"restart": "sometimes"}, "restart", "not one of never, always, backoff"),
    ({"restart_limit": -1}, "restart_limit", "out of range"),
    ({"backoff_ms": "1s"}, "backoff_ms", "expected an integer"),
    ({"start": "later"}, "start", "not one of boot, manual"),
    ({"priority": 3}, "priority", "unknown key"),
])
def test_bad_service_key(default_toml, tmp_path, over, key, reason):
    with_app(tmp_path)
    default_toml["sandbox"][3]["service"] = [service(**over)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == f"sandbox[3].service[0].{key}" and reason in err.reason


def test_service_needs_name_module_budget_and_period(default_toml, tmp_path):
    with_app(tmp_path)
    for key in ("name", "module", "budget_us", "period_us"):
        svc = service()
        del svc[key]
        default_toml["sandbox"][3]["service"] = [svc]
        err = refused_in(tmp_path, default_toml)
        assert err.key == f"sandbox[3].service[0].{key}" and "missing" in err.reason


def test_service_names_are_unique_within_a_sandbox(default_toml, tmp_path):
    with_app(tmp_path)
    default_toml["sandbox"][3]["service"] = [service(), service()]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[3].service[1].name" and "already the name" in err.reason
    # ...but two sandboxes may each have a "blink"
    default_toml["sandbox"][3]["service"] = [service()]
    default_toml["sandbox"][2]["service"] = [service()]
    parse_in(tmp_path, default_toml)


def test_services_fit_the_ports_slots_beside_the_supervisor(default_toml, tmp_path):
    # ports/vtx has 12 service slots and starts the supervisor after the
    # declared services: a twelfth declared service would take its slot.
    with_app(tmp_path)
    many = [service(name=f"s{k}", budget_us=100, period_us=100000) for k in range(12)]
    default_toml["sandbox"][3]["service"] = many
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[3].service" and "12 services, at most 11" in err.reason
    default_toml["sandbox"][3]["service"] = many[:11]
    assert len(parse_in(tmp_path, default_toml).sandboxes[3].services) == 11


def test_service_table_must_be_an_array_of_tables(default_toml, tmp_path):
    default_toml["sandbox"][3]["service"] = {"name": "x"}
    assert refused_in(tmp_path, default_toml).key == "sandbox[3].service"


def test_admission_counts_the_system_vcpus(default_toml, tmp_path):
    """sb1 has the heartbeat (50/1000 ms) and the REPL (5/100 ms): 0.1. With one
    service at 0.65, three VCPUs give 0.75 <= 0.7797; at 0.7 it is 0.8 > 0.7797."""
    with_app(tmp_path)
    default_toml["sandbox"][1]["service"] = [service(budget_us=6500, period_us=10000)]
    parse_in(tmp_path, default_toml)
    default_toml["sandbox"][1]["service"] = [service(budget_us=7000, period_us=10000)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].service[0]"
    assert "utilization 0.800 > bound 0.780 (Liu-Layland, 3 VCPUs" in err.reason
    assert "heartbeat 50000/1000000 us" in err.reason and "REPL" in err.reason


def test_admission_counts_the_hub_on_the_uart_owner(default_toml, tmp_path):
    """The same service that fits sb1 does not fit sb0, whose hub VCPU takes 0.3."""
    with_app(tmp_path)
    default_toml["sandbox"][0]["service"] = [service(budget_us=6500, period_us=10000)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[0].service[0]" and "console hub" in err.reason


def test_admission_names_the_service_that_tips_it_over(default_toml, tmp_path):
    with_app(tmp_path)
    default_toml["sandbox"][2]["service"] = [
        service(name=f"s{i}", budget_us=2000, period_us=10000) for i in range(4)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[2].service[3]"


def test_admission_without_heartbeat_leaves_more_room(default_toml, tmp_path):
    with_app(tmp_path)
    default_toml["sandbox"][1]["heartbeat_ms"] = 0
    default_toml["sandbox"][1]["service"] = [service(budget_us=7500, period_us=10000)]
    parse_in(tmp_path, default_toml)   # REPL 0.05 + 0.75 = 0.8 <= 0.8284 (2 VCPUs)


def test_supervisor_in_pylib_is_counted(default_toml, tmp_path):
    pylib = tmp_path / "pylib/quest"
    pylib.mkdir(parents=True)
    (pylib / "__init__.py").write_text("")
    (pylib / "supervisor.py").write_text("")
    with_app(tmp_path)
    default_toml["sandbox"][1]["service"] = [service(budget_us=6500, period_us=10000)]
    with pytest.raises(ConfigError) as info:
        parse(default_toml, str(tmp_path / "system.toml"), pylib=tmp_path / "pylib")
    assert "supervisor 1000/50000 us" in info.value.reason


def test_heaps_must_fit_the_sandbox(default_toml, tmp_path):
    """8 MiB = 8192 KiB; kernel 1024 + slack 1024 + REPL 256 + fs 256 leave 5632."""
    with_app(tmp_path)
    default_toml["sandbox"][1]["memory_mib"] = 8
    default_toml["sandbox"][1]["service"] = [service(heap_kib=5632, budget_us=10)]
    parse_in(tmp_path, default_toml)
    default_toml["sandbox"][1]["service"] = [service(heap_kib=5633, budget_us=10)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].memory_mib"
    assert "service heaps 5633 KiB" in err.reason and "8193 KiB" in err.reason


def test_repl_and_fs_count_against_the_sandbox(default_toml, tmp_path):
    default_toml["sandbox"][1]["memory_mib"] = 4
    default_toml["sandbox"][1]["repl_heap_kib"] = 2048
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].memory_mib" and "REPL heap 2048 KiB" in err.reason


def test_load_reads_services_from_a_file(tmp_path):
    with_app(tmp_path, "ticker")
    (tmp_path / "system.toml").write_text('''
[machine]
cores = 1
memory_mib = 64

[system]
supervisor = "only"
recovery_timeout_ms = 300

[[sandbox]]
name = "only"
cores = [0]
memory_mib = 16
watchdog_ms = 200
fs_kib = 128

[[sandbox.service]]
name = "tick"
module = "ticker"
budget_us = 500
period_us = 100000
restart = "always"
''')
    system = load(tmp_path / "system.toml")
    (sb,) = system.sandboxes
    assert [(s.name, s.module, s.restart) for s in sb.services] == [("tick", "ticker", "always")]
    assert sb.apps == (tmp_path / "apps",) and (sb.watchdog_ms, sb.fs_kib) == (200, 128)
    assert system.recovery_timeout_ms == 300


# ---------------------------------------------------------------------------
# Device-bound services: `device` and `standby`


def with_rtc(data: dict[str, Any], owner: int = 1) -> dict[str, Any]:
    """An RTC (device 1) owned by sandbox `owner`, and an app module "clock" for it."""
    data.setdefault("device", []).append(
        {"name": "rtc", "kind": "isa", "io": [0x70, 2], "irq": 8})
    data["sandbox"][owner].setdefault("devices", []).append("rtc")
    return data


def clock(**over: Any) -> dict[str, Any]:
    return service(**{"name": "clock", "module": "clock", "device": "rtc", **over})


def test_device_bound_service_and_its_standby_copies(default_toml, tmp_path):
    with_app(tmp_path, "clock")
    with_app(tmp_path, "clock_safe")
    with_rtc(default_toml)
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3", "sb2"], heap_kib=64,
                                                   alternate="clock_safe", start="manual"),
                                             service(name="plain", module="clock")]
    system = parse_in(tmp_path, default_toml)
    home = system.sandboxes[1]
    svc, plain = home.services
    assert (svc.device, svc.standby) == (1, (3, 2))
    assert (plain.device, plain.standby) == (None, ())
    assert home.standby_services == ()
    # The copy is the same service (name, module, alternate, budget, period,
    # heap, restart policy, start, device) in each standby sandbox.
    assert system.sandboxes[3].standby_services == (svc,)
    assert system.sandboxes[2].standby_services == (svc,)
    assert system.sandboxes[3].hosted_services == (svc,)
    assert system.sandboxes[0].standby_services == ()


@pytest.mark.parametrize("over, key, reason", [
    ({"device": "nope"}, "device", 'no device is named "nope"'),
    ({"device": "uart0"}, "device", "not in this sandbox's devices"),
    ({"device": 3}, "device", "expected a string"),
    ({"device": None, "standby": ["sb2"]}, "standby", 'needs "device"'),
    ({"standby": ["sb9"]}, "standby", 'no sandbox is named "sb9"'),
    ({"standby": ["sb1"]}, "standby", "\"sb1\" is the service's own sandbox"),
    ({"standby": ["sb2", "sb3", "sb2"]}, "standby", 'sandbox "sb2" is listed twice'),
    ({"standby": "sb2"}, "standby", "expected a list of sandbox names"),
])
def test_bad_device_or_standby_is_refused(default_toml, tmp_path, over, key, reason):
    with_app(tmp_path, "clock")
    with_rtc(default_toml)
    svc = clock(**over)
    if svc["device"] is None:
        del svc["device"]
    default_toml["sandbox"][1]["service"] = [service(name="other", module="clock"), svc]
    err = refused_in(tmp_path, default_toml)
    assert err.key == f"sandbox[1].service[1].{key}" and reason in err.reason, err


def test_the_uart_cannot_be_a_services_device(default_toml, tmp_path):
    with_app(tmp_path, "clock")
    default_toml["sandbox"][0]["service"] = [clock(device="uart0")]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[0].service[0].device"
    assert "console's UART" in err.reason and "MOVE_DEVICE" in err.reason


def test_standby_sandbox_must_not_declare_the_same_service(default_toml, tmp_path):
    with_app(tmp_path, "clock")
    with_rtc(default_toml)
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"])]
    default_toml["sandbox"][3]["service"] = [service(name="x", module="clock"),
                                             service(name="clock", module="clock")]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].service[0].standby"
    assert 'sandbox "sb3" declares a service "clock" itself (sandbox[3].service[1])' \
        in err.reason


def test_two_standby_copies_of_one_name_are_refused(default_toml, tmp_path):
    with_app(tmp_path, "clock")
    with_rtc(default_toml)
    default_toml["device"].append({"name": "rtc2", "kind": "isa", "io": [0x72, 2]})
    default_toml["sandbox"][2]["devices"] = ["rtc2"]
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"])]
    default_toml["sandbox"][2]["service"] = [clock(device="rtc2", standby=["sb3"])]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[2].service[0].standby"
    assert "already keeps another sandbox's service \"clock\" ready" in err.reason


def test_standby_module_must_be_the_same_file_there(default_toml, tmp_path):
    with_app(tmp_path, "clock")
    other = tmp_path / "other"
    other.mkdir()
    (other / "clock.py").write_text("y = 2\n")
    with_rtc(default_toml)
    default_toml["sandbox"][3]["apps"] = ["other"]
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"])]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].service[0].standby"
    assert 'module "clock" is' in err.reason and "would run another file" in err.reason
    # A standby sandbox without the module at all is fine: the build copies it.
    default_toml["sandbox"][3]["apps"] = []
    assert parse_in(tmp_path, default_toml).sandboxes[3].standby_services[0].module == "clock"


def test_standby_copies_count_against_the_standby_sandboxs_heaps(default_toml, tmp_path):
    """8 MiB leave 5632 KiB for service heaps (test_heaps_must_fit_the_sandbox)."""
    with_app(tmp_path, "clock")
    with_rtc(default_toml)
    default_toml["sandbox"][3]["memory_mib"] = 8
    default_toml["sandbox"][3]["service"] = [service(name="x", module="clock", heap_kib=5000,
                                                     budget_us=10)]
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"], heap_kib=632, budget_us=10)]
    parse_in(tmp_path, default_toml)
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"], heap_kib=633, budget_us=10)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[3].memory_mib"
    assert "service heaps 5633 KiB (standby copies included)" in err.reason


def test_standby_copies_count_in_the_standby_sandboxs_admission(default_toml, tmp_path):
    """sb3: heartbeat and REPL 0.1, its own service 0.4, the copy 0.3: 0.8 > 0.7568
    (4 VCPUs); the copy alone fits its home sb1."""
    with_app(tmp_path, "clock")
    with_rtc(default_toml)
    default_toml["sandbox"][3]["service"] = [service(name="x", module="clock", budget_us=4000)]
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"], budget_us=2000)]
    parse_in(tmp_path, default_toml)
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"], budget_us=3000)]
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].service[0].standby"
    assert 'not schedulable in sandbox "sb3" on core 3: utilization 0.800' in err.reason
    assert 'service "x" 4000/10000 us' in err.reason


def test_standby_copies_take_service_slots(default_toml, tmp_path):
    with_app(tmp_path, "clock")
    with_rtc(default_toml)
    default_toml["sandbox"][3]["service"] = [
        service(name=f"s{k}", module="clock", budget_us=100, period_us=100000)
        for k in range(10)]
    default_toml["sandbox"][1]["service"] = [clock(standby=["sb3"], budget_us=100,
                                                   period_us=100000)]
    assert len(parse_in(tmp_path, default_toml).sandboxes[3].hosted_services) == 11
    default_toml["sandbox"][3]["service"].append(
        service(name="s10", module="clock", budget_us=100, period_us=100000))
    err = refused_in(tmp_path, default_toml)
    assert err.key == "sandbox[1].service[0].standby"
    assert 'sandbox "sb3" would have 12 services with the standby copies, at most 11' \
        in err.reason
