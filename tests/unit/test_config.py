"""Settings: defaults, and one clear line naming the variable for each bad value."""
from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import SANDBOX_APP_ID, ConfigError, Settings, zone


def test_defaults_are_sandbox():
    s = Settings.from_env({})
    assert s.mode == "sandbox"
    assert s.app_id == SANDBOX_APP_ID
    assert (s.host, s.port) == ("127.0.0.1", 8000)
    assert s.default_tz == "Asia/Shanghai"
    assert s.database_url.startswith("sqlite:///")
    assert s.feishu_domain == "https://open.feishu.cn"
    assert s.base_url == "http://127.0.0.1:8000"


def test_var_dir_holds_the_sqlite_files_unless_a_url_is_given():
    s = Settings.from_env({"YUE_VAR_DIR": "/tmp/yue-fresh"})
    assert s.database_url == "sqlite:////tmp/yue-fresh/yue.db"
    assert s.sandbox_database_url == "sqlite:////tmp/yue-fresh/sandbox.db"
    assert Settings.from_env({}).database_url == "sqlite:///var/yue.db"
    given = Settings.from_env({"YUE_VAR_DIR": "/tmp/x", "DATABASE_URL": "postgresql://db/yue"})
    assert given.database_url == "postgresql://db/yue"


def test_app_id_switches_to_feishu_mode():
    s = Settings.from_env({"FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": "sec",
                           "FEISHU_VERIFICATION_TOKEN": "vt", "PORT": "9000"})
    assert s.mode == "feishu" and s.app_id == "cli_x" and s.port == 9000
    assert s.encrypt_key == ""  # no sandbox key leaks into a real app


def test_secrets_not_in_repr():
    s = Settings.from_env({"FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": "topsecret",
                           "FEISHU_VERIFICATION_TOKEN": "vtok", "FEISHU_ENCRYPT_KEY": "ekey"})
    text = repr(s)
    for secret in ("topsecret", "vtok", "ekey"):
        assert secret not in text


@pytest.mark.parametrize("env, variable", [
    ({"PORT": "eighty"}, "PORT"),
    ({"PORT": "70000"}, "PORT"),
    ({"YUE_MODE": "prod"}, "YUE_MODE"),
    ({"FEISHU_APP_ID": "cli_x"}, "FEISHU_APP_SECRET"),
    ({"YUE_MODE": "feishu"}, "FEISHU_APP_ID"),
    ({"FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": "s"}, "FEISHU_VERIFICATION_TOKEN"),
    ({"YUE_DEFAULT_TZ": "Mars/Olympus"}, "YUE_DEFAULT_TZ"),
    ({"DATABASE_URL": "yue.db"}, "DATABASE_URL"),
    ({"FEISHU_DOMAIN": "open.feishu.cn"}, "FEISHU_DOMAIN"),
    ({"YUE_WORKERS": "0"}, "YUE_WORKERS"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"YUE_ROLE": "both"}, "YUE_ROLE"),
    ({"YUE_WORKER_NICE": "20"}, "YUE_WORKER_NICE"),
    ({"SANDBOX_RETRY_DELAY": "soon"}, "SANDBOX_RETRY_DELAY"),
])
def test_bad_values_name_the_variable(env, variable):
    with pytest.raises(ConfigError) as e:
        Settings.from_env(env)
    assert variable in str(e.value)
    assert "\n" not in str(e.value)


def test_bad_port_stops_start_up_with_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "app.py"], env={"PORT": "x", "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60,
                          cwd=__import__("pathlib").Path(__file__).resolve().parents[2])
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "PORT" in proc.stderr and "Traceback" not in proc.stderr


def test_transport_defaults_to_http_and_ws_needs_no_verification_token():
    assert Settings.from_env({}).transport == "http"
    s = Settings.from_env({"FEISHU_APP_ID": "cli_x", "FEISHU_APP_SECRET": "s", "YUE_TRANSPORT": "WS"})
    assert (s.mode, s.transport, s.verification_token) == ("feishu", "ws", "")
    with pytest.raises(ConfigError) as e:
        Settings.from_env({"YUE_TRANSPORT": "websocket"})
    assert "YUE_TRANSPORT" in str(e.value)


def test_zone_has_one_default_the_settings_default_tz():
    assert zone("America/New_York").key == "America/New_York"
    for name in (None, "", "Mars/Olympus", "../etc/passwd"):
        assert zone(name).key == Settings.default_tz == "Asia/Shanghai"
    assert zone("Nowhere/City", "UTC").key == "UTC"
