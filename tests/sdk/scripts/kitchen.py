"""Every SDK feature in one script, for tests/sdk/test_sdk.py to drive through the fake host."""
import ast
import os
import time

from zot.sdk import Extension, ToolError

ext = Extension("kitchen", version="2.0.0", capabilities=["extra-cap"])
ext.guard("no-force-push", {"tool": "bash", "when": {"arg": "command", "regex": "push --force"},
                            "action": "deny", "reason": "no force pushes"})
ext.widget("clock", text="ready", placement="status")


# ---------------------------------------------------------------- commands: every action

@ext.command("say", description="display the args")
def say(args, ctx):
    return f"you said {args}"


@ext.command("ask-model")
def ask_model(args: str, ctx):
    """prompt the model"""
    return ext.prompt(f"Please {args}")


@ext.command("put")
def put(args):  # one parameter: the SDK passes only the args
    return ext.insert(args.upper())


@ext.command("quiet")
def quiet(args, ctx):
    ctx.notify("done quietly", "warning")
    return None


@ext.command("fail")
def fail(args, ctx):
    raise ToolError("that did not work")


@ext.command("crash")
def crash(args, ctx):
    return 1 / 0


@ext.command("bad-return")
def bad_return(args, ctx):
    return 42


@ext.command("panel")
def panel(args, ctx):
    return ctx.open_panel("p1", "Panel one", ["a", "b"], "esc closes")


@ext.command("panel-later")
def panel_later(args, ctx):
    ctx.open_panel("p2", "Panel two", ["x"], "")
    return "opened"


@ext.command("print")
def printing(args, ctx):
    print("this goes to stderr, not the protocol")
    os.system("echo child output also goes to stderr")
    return "printed"


@ext.command("slow")
def slow(args, ctx):
    time.sleep(float(args or "1"))
    return "slow done"


@ext.command("host")
def host(args, ctx):
    h = ctx.host
    return f"{h.zot_version}|{h.model}|{h.protocol_version}|{','.join(sorted(h.capabilities))}"


@ext.command("env-data-dir")
def env_data_dir(args, ctx):
    return ctx.data_dir


# ---------------------------------------------------------------- UI and kv

@ext.command("confirm")
def confirm(args, ctx):
    return "yes" if ctx.confirm("Sure?", args, default=True) else "no"


@ext.command("select")
def select(args, ctx):
    return repr(ctx.select("Pick", args.split()))


@ext.command("input")
def ask(args, ctx):
    return repr(ctx.input("Name", placeholder=args))


@ext.command("kv")
def kv(args, ctx):
    op, _, rest = args.partition(" ")
    key, _, value = rest.partition(" ")
    if op == "set":
        ctx.kv.set(key, ast.literal_eval(value))  # values written as Python literals
        return "ok"
    if op == "get":
        return repr(ctx.kv.get(key, "<none>"))
    if op == "del":
        ctx.kv.delete(key)
        return "ok"
    if op == "list":
        return repr(ctx.kv.list(key))
    if op == "bad":
        ctx.kv.set(key, {1, 2})
    return "?"


@ext.command("widget")
def widget(args, ctx):
    return "sent" if ctx.widget_update("clock", args) else "not offered"


# ---------------------------------------------------------------- tools

@ext.tool("echo", description="echo text", schema={"type": "object", "properties": {"text": {"type": "string"}}})
def echo(args, ctx):
    return args["text"]


@ext.tool("pixel", description="a png")
def pixel(args, ctx):
    return [ext.image(b"\x89PNG\r\n\x1a\nfake", "image/png"), "one pixel"]


@ext.tool("json")
def as_json(args, ctx):
    return {"sum": sum(args.get("values", []))}


@ext.tool("refuse")
def refuse(args, ctx):
    raise ToolError("cannot do that")


@ext.tool("explode")
def explode(args, ctx):
    raise KeyError("boom")


@ext.tool("huge")
def huge(args, ctx):
    return "x" * (5 * 1024 * 1024)


@ext.tool("wait-ui")
def wait_ui(args, ctx):
    return ctx.input("Value?") or "<cancelled>"


# ---------------------------------------------------------------- events and intercepts

@ext.on("turn_end", "turn_start")
def seen(event, ctx):
    ctx.notify(f"seen {event['event']} {event.get('step')}")


@ext.on("turn_end")
def broken_observer(event, ctx):
    raise RuntimeError("observer bug")


@ext.intercept("tool_call")
def guard(event, ctx):
    command = (event.get("tool_args") or {}).get("command", "")
    if "rm " in command:
        return ext.block("no rm here")
    if command.startswith("ls"):
        return ext.modify({"command": command + " -la"})
    if command == "crash":
        raise RuntimeError("intercept bug")
    if command == "wrong-type":
        return 42
    return None


@ext.intercept("tool_call")
def second(event, ctx):
    command = event["tool_args"].get("command", "")
    if command.endswith("-la"):
        return ext.modify({"command": command + " --color=never"})
    return None


@ext.intercept("assistant_message")
def shout(event, ctx):
    return ext.replace_text(event["text"].upper())


@ext.intercept("assistant_message", on_error="allow")
def lenient(event, ctx):
    if event["text"].lower() == "lenient":
        raise RuntimeError("lenient bug")
    return None


@ext.intercept("turn_start", on_error="block")
def strict(event, ctx):
    if event.get("step") == 99:
        raise RuntimeError("strict bug")
    return ext.allow()


# ---------------------------------------------------------------- panels

@ext.panel_key("p1")
def p1_key(event, ctx):
    if event["key"] == "esc":
        ctx.close_panel("p1")
    elif event["key"] == "boom":
        raise ValueError("key bug")
    else:
        ctx.render_panel("p1", lines=[f"pressed {event['key']}"])


@ext.panel_key()
def any_key(event, ctx):
    from zot.sdk import Panel
    return Panel(event["panel_id"], "any", [event["key"]], "")


@ext.panel_closed("p1")
def p1_closed(event, ctx):
    ctx.notify("p1 closed by the user")


# ---------------------------------------------------------------- lifecycle

@ext.setup
def setup(ctx):
    if ctx.host.model == "fake-model":
        ext.command("model-only", description="only for the fake model")(lambda a, c: "model-only")


@ext.on_ready
def ready(ctx):
    ctx.widget_update("clock", "started")


@ext.on_shutdown
def bye(ctx):
    with open(os.path.join(ctx.data_dir, "shutdown.txt"), "w") as f:
        f.write("bye")


if __name__ == "__main__":
    ext.run()
