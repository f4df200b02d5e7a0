#!/usr/bin/env python3
"""/hello [name] shows a greeting; /hello-prompt [language] asks the model for one."""

from zot.sdk import Extension

ext = Extension("hello-script", version="1.0.0")


@ext.command("hello", description="Say hello: /hello [name]")
def hello(args: str, ctx):
    name = args.strip() or "world"
    host = ctx.host
    return f"Hello, {name}! (a script speaking protocol {host.protocol_version} to zot {host.zot_version})"


@ext.command("hello-prompt", description="Ask the model to say hello: /hello-prompt [language]")
def hello_prompt(args: str, ctx):
    language = args.strip() or "a language of your choice"
    return ext.prompt(f"Say hello to me in {language}, in one short sentence.")


if __name__ == "__main__":
    ext.run()
