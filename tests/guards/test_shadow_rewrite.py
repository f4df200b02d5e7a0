"""A rewrite in `mode: shadow` is recorded as what it would do and not applied."""
import asyncio

from zot.ext.decide import rewrite
from zot.ext.hooks import CallInfo, Hooks


def test_shadow_rewrite_is_recorded_but_not_applied(tmp_path):
    from zot.ext.compile.context import ExtCtx
    from zot.ext.compile.guards import compile_guard
    from zot.yamlio import Document

    ext = ExtCtx(name="demo", scope="cli", doc=Document(tmp_path / "extension.yaml"), data={}, params={},
                 project=tmp_path, tool_params={"bash": {"type": "object", "required": ["command"],
                                                         "properties": {"command": {"type": "string"}}}})
    rule = compile_guard("quiet", {"tool": "bash", "action": "rewrite", "mode": "shadow",
                                   "rewrite": [{"arg": "command", "append": " -q"}]}, ext)
    hooks = Hooks(rewriters=[rule])
    call = CallInfo("1", "bash", {"command": "pip install x"}, {"command": "pip install x"}, str(tmp_path),
                    str(tmp_path))
    changes, failed = asyncio.run(rewrite(call, hooks))
    assert failed is None
    assert call.args == {"command": "pip install x"}
    assert changes and changes[0]["shadow"] is True and changes[0]["after"] == {"command": "pip install x -q"}
