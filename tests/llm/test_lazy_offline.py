"""`import zot.llm` stays cheap, and litellm never reaches for the network.

Both run in a fresh interpreter: in the test process litellm is already imported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_python(code: str, timeout: float = 60) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "LITELLM_LOCAL_MODEL_COST_MAP"}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    *noise, last = proc.stdout.splitlines() or [""]
    result = json.loads(last)
    result["noise"] = noise + proc.stderr.splitlines()
    return result


def test_import_zot_llm_does_not_import_litellm():
    result = run_python("""
        import json, sys
        import zot.llm
        from zot.llm import ModelConfig, stream_chat, model_info, preload, loaded, LLMError
        print(json.dumps({"litellm": "litellm" in sys.modules, "openai": "openai" in sys.modules,
                          "loaded": loaded()}))
    """)
    assert (result["litellm"], result["openai"], result["loaded"]) == (False, False, False)


def test_preload_then_a_request_touches_only_localhost():
    result = run_python("""
        import asyncio, json, os, socket, sys
        blocked = []
        LOCAL = ("127.0.0.1", "::1", "localhost")
        real_connect, real_connect_ex, real_getaddrinfo = (
            socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)

        def connect(self, address, *a):
            if isinstance(address, tuple) and address[0] not in LOCAL:
                blocked.append(str(address)); raise OSError("blocked by test: " + str(address))
            return real_connect(self, address, *a)

        def connect_ex(self, address, *a):
            if isinstance(address, tuple) and address[0] not in LOCAL:
                blocked.append(str(address)); return 111
            return real_connect_ex(self, address, *a)

        def getaddrinfo(host, *a, **k):
            if host not in LOCAL and host is not None:
                blocked.append(str(host)); raise socket.gaierror("blocked by test: " + str(host))
            return real_getaddrinfo(host, *a, **k)

        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
            connect, connect_ex, getaddrinfo)

        from zot.llm import ModelConfig, loaded, model_info, preload, stream_chat
        from tests.fakellm import FakeLLMServer, text, usage
        thread = preload()
        assert preload() is thread
        thread.join(60)
        with FakeLLMServer() as server:
            server.enqueue(text("offline", chunks=2, usage=usage(10, 2)))
            cfg = ModelConfig("openai/gpt-4o", api_base=server.url, api_key="test", backend="litellm")
            done = asyncio.run(stream_chat(cfg, [{"role": "user", "content": "hi"}], None))
        print(json.dumps({"loaded": loaded(), "text": done.text, "cost": done.usage.cost,
                          "window": model_info("gpt-4o").context_window,
                          "cost_map_env": os.environ.get("LITELLM_LOCAL_MODEL_COST_MAP"),
                          "blocked": blocked}))
    """)
    assert result["loaded"] is True
    assert result["text"] == "offline"
    assert result["cost"] and result["cost"] > 0
    assert result["window"] == 128000
    assert result["cost_map_env"] == "True"
    assert result["blocked"] == []
    assert result["noise"] == []  # litellm printed and logged nothing


TWO_TURNS = """
    import json, os, sys, tempfile
    from tests.fakellm import FakeLLMServer, call, text, tool_calls, usage
    from zot.cli import main
    with FakeLLMServer() as server, tempfile.TemporaryDirectory() as work:
        server.enqueue(tool_calls([call("bash", {"command": "echo from-the-tool"})], usage=usage(100, 5)),
                       text("all done", usage=usage(130, 3)))
        os.chdir(work)
        code = main(["-p", "run it", "--model", "openai/gpt-4o", "--api-base", server.url,
                     "--api-key", "test", "--yes"])
        sys.stdout.flush()
        print(json.dumps({"code": code, "litellm": "litellm" in sys.modules, "openai": "openai" in sys.modules,
                          "tool_result": server.requests[-1]["messages"][-1]["content"],
                          "requests": len(server.requests)}))
"""


def test_a_print_run_on_an_openai_model_never_imports_litellm():
    result = run_python(TWO_TURNS)
    assert (result["code"], result["requests"]) == (0, 2)
    assert "from-the-tool" in result["tool_result"]
    assert (result["litellm"], result["openai"]) == (False, False)
    assert result["noise"][-1:] == ["all done"]


def test_zot_llm_litellm_sends_the_same_run_through_litellm(monkeypatch):
    monkeypatch.setenv("ZOT_LLM", "litellm")
    result = run_python(TWO_TURNS)
    assert (result["code"], result["requests"]) == (0, 2)
    assert "from-the-tool" in result["tool_result"]
    assert result["litellm"] is True


def test_preloading_for_an_openai_or_anthropic_model_leaves_litellm_alone():
    result = run_python("""
        import json, sys
        from zot.llm import ModelConfig, model_info, preload
        for model in ("openai/gpt-4o", "anthropic/claude-sonnet-4-5"):
            preload(ModelConfig(model)).join(30)
        window = model_info("anthropic/claude-sonnet-4-5").context_window
        print(json.dumps({"litellm": "litellm" in sys.modules, "httpx": "httpx" in sys.modules,
                          "window": window}))
    """)
    assert (result["litellm"], result["httpx"], result["window"]) == (False, True, 200000)
