"""What a new operator relies on outside the package: `make run PORT=…`, `make test`'s check for
Chromium, the deployment examples in deploy/ and the README's configuration table (kept in step
with the app's defaults)."""
from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import RateLimitSettings, ServerSettings

ROOT = Path(__file__).resolve().parent.parent
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(*args: str) -> list[str]:
    """The commands `make -n ARGS` would run (as typed at a shell, even when the suite runs under make)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    done = subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=30, check=True)
    return done.stdout.splitlines()


@needs_make
def test_make_run_takes_the_port_and_host_from_variables():
    assert dry_run("run", "PORT=8081")[-1] == ".venv/bin/lessons serve --port 8081"
    assert dry_run("run", "PORT=8081", "HOST=0.0.0.0")[-1] == ".venv/bin/lessons serve --host 0.0.0.0 --port 8081"
    assert dry_run("run")[-1] == ".venv/bin/lessons serve"  # the config's server.port


@needs_make
def test_make_test_checks_for_chromium_first_unless_told_to_leave_the_browser_tests_out():
    full = dry_run("test")
    assert full[0] == "scripts/ensure-chromium"
    assert full[-1].endswith(" .venv/bin/python -m pytest -n 3 --dist loadfile")
    without = dry_run("test", "BROWSER=no")
    assert "scripts/ensure-chromium" not in without
    assert without[-1].endswith(' .venv/bin/python -m pytest -n 3 --dist loadfile -m "not browser"')
    # the bytecode cache is kept in the venv even where the environment turns it off
    assert full[-1].startswith("PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=") and "/.venv/pycache " in full[-1]


def fake_tools(folder: Path, *, uid: int, sudo: str | None) -> Path:
    """A PATH of stand-ins: `id -u` says `uid`, apt-get records that it ran, `sudo` runs `sudo` (a script
    body) or is absent."""
    folder.mkdir()
    scripts = {"id": f"echo {uid}", "apt-get": f'echo "$@" >> {folder}/apt-get.log'}
    if sudo is not None:
        scripts["sudo"] = sudo
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    return folder


@pytest.mark.parametrize("sudo", [None, "exit 1"], ids=["no sudo", "sudo wants a password"])
def test_without_chromium_or_a_way_to_install_it_one_line_says_what_to_do(tmp_path, sudo):
    tools = fake_tools(tmp_path / "bin", uid=1000, sudo=sudo)
    env = {"PATH": str(tools), "CHROMIUM": str(tmp_path / "none"), "CHROMEDRIVER": str(tmp_path / "none")}
    done = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "ensure-chromium")], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "apt-get install chromium chromium-driver" in done.stderr
    assert "make test BROWSER=no" in done.stderr and 'pytest -m "not browser"' in done.stderr
    assert not (tools / "apt-get.log").exists()  # nothing was tried that would fail half-way


def test_as_root_a_missing_chromium_is_installed_with_apt_get(tmp_path):
    tools = fake_tools(tmp_path / "bin", uid=0, sudo=None)
    env = {"PATH": str(tools), "CHROMIUM": str(tmp_path / "none"), "CHROMEDRIVER": str(tmp_path / "none")}
    done = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "ensure-chromium")], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert (tools / "apt-get.log").read_text().splitlines() == ["update -qq", "install -y -qq chromium chromium-driver"]


def test_help_says_what_the_check_does_and_installs_nothing(tmp_path):
    tools = fake_tools(tmp_path / "bin", uid=0, sudo=None)  # root, Chromium missing: it would install
    env = {"PATH": str(tools), "CHROMIUM": str(tmp_path / "none"), "CHROMEDRIVER": str(tmp_path / "none")}
    script = str(ROOT / "scripts" / "ensure-chromium")
    done = subprocess.run(["/bin/bash", script, "--help"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "usage: scripts/ensure-chromium" in done.stdout
    assert "headless Chromium" in done.stdout
    wrong = subprocess.run(["/bin/bash", script, "--force"], env=env, capture_output=True, text=True, timeout=30)
    assert wrong.returncode == 2 and "'--force'" in wrong.stderr and "--help" in wrong.stderr
    assert not (tools / "apt-get.log").exists()


def test_with_chromium_there_the_check_is_silent(tmp_path):
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    done = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True,
                          env={**os.environ, "CHROMIUM": str(present), "CHROMEDRIVER": str(present)}, timeout=30)
    assert done.returncode == 0 and done.stderr == ""


# -- deploy/ ----------------------------------------------------------------------------------------

def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(ROOT / "deploy" / "lessons.service")
    return parser


def test_the_systemd_unit_runs_lessons_serve_reloads_on_hup_and_keeps_state_in_its_own_folder():
    service = unit()["Service"]
    assert service["ExecStart"].endswith("/bin/lessons serve")
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID" and service["KillSignal"] == "SIGTERM"
    assert service["StateDirectory"] == "lessons" and service["User"] == "lessons"
    assert service["EnvironmentFile"].startswith("/etc/lessons/")  # secrets stay out of the unit
    assert "TOKEN=" not in (ROOT / "deploy" / "lessons.service").read_text().replace("NAME=value", "")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path):
    text = (ROOT / "deploy" / "lessons.service").read_text()
    (tmp_path / "lessons.service").write_text(text.replace("/opt/lessons/bin/lessons", sys.executable))
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "lessons.service")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_proxy_holds_the_apps_own_limits():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    size = re.search(r"^\s*client_max_body_size (\d+)k;", conf, re.M)
    assert size and int(size.group(1)) * 1024 == ServerSettings().max_body_bytes
    defaults = ServerSettings()
    assert f"server {defaults.host}:{defaults.port};" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    # the app leaves loopback uncapped, so behind the proxy the per-client cap is the proxy's: the same
    caps, rate, burst = RateLimitSettings(), re.search(r"rate=(\d+)r/s;", conf), re.search(r"burst=(\d+) ", conf)
    assert rate and burst and int(rate.group(1)) * 60 == caps.per_minute and int(burst.group(1)) == caps.burst


def test_the_readme_points_to_the_deployment_examples_and_the_screenshot():
    readme = (ROOT / "README.md").read_text()
    operating = readme.split("## Operating it", 1)[1].split("\n## ", 1)[0]
    assert "deploy/lessons.service" in operating and "deploy/nginx.conf" in operating
    shots = re.findall(r"!\[[^\]]*\]\((docs/[^)]+\.png)\)", operating)
    assert shots and all((ROOT / shot).is_file() for shot in shots)


def test_the_readme_configuration_table_names_every_key_with_its_default():
    """The table a user reads before editing config.yaml: every key, and the default the file holds."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    defaults = {f"{section}.{key}": value for section, keys in config.items() for key, value in keys.items()}
    table = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    shown: dict[str, str | None] = {}
    for keys, values in re.findall(r"^\| (`[^|]+`) \| ([^|]+) \|", table, re.M):
        names, written = re.findall(r"`([\w.]+)`", keys), re.findall(r"`([^`]*)`", values)
        shown.update(zip(names, written if len(written) == len(names) else [None] * len(names), strict=True))
    assert sorted(set(defaults) - set(shown)) == []
    assert sorted(set(shown) - set(defaults)) == []
    for key, value in defaults.items():
        if shown[key] is not None and not isinstance(value, (dict, list)):
            assert shown[key] == (str(value).lower() if isinstance(value, bool) else str(value)), key
