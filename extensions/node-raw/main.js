#!/usr/bin/env node
// A zot script extension written against the raw protocol: no SDK, no npm packages.
// One JSON object per line on stdin (from zot) and stdout (to zot); logs go to stderr.
// This is protocol v1 exactly as the Go zot documents it, so it runs under either zot.
"use strict";

const readline = require("readline");

const NAME = "node-raw";
let host = {}; // the hello_ack: zot_version, cwd, capabilities, ...

function send(frame) {
  process.stdout.write(JSON.stringify(frame) + "\n");
}

function log(message) {
  process.stderr.write(`${NAME}: ${message}\n`);
}

// ---------------------------------------------------------------- what this extension does

const commands = {
  "node-hello": {
    description: "Say hello from Node: /node-hello [name]",
    run: (args) => ({
      action: "display",
      display: `Hello, ${args.trim() || "world"}, from Node ${process.version} (zot ${host.zot_version || "?"}).`,
    }),
  },
  "node-explain": {
    description: "Ask the model to explain a file: /node-explain PATH",
    run: (args) =>
      args.trim()
        ? { action: "prompt", prompt: `Read ${args.trim()} and explain what it does in five bullet points.` }
        : { action: "error", error: "usage: /node-explain PATH" },
  },
};

const tools = {
  word_count: {
    description: "Count the lines, words and characters of a text.",
    schema: {
      type: "object",
      properties: { text: { type: "string", description: "The text to count" } },
      required: ["text"],
    },
    run: (args) => {
      if (typeof args.text !== "string") throw new Error("`text` must be a string");
      const text = args.text;
      const lines = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
      const words = (text.match(/\S+/g) || []).length;
      return `lines: ${lines}\nwords: ${words}\ncharacters: ${[...text].length}`;
    },
  },
};

// ---------------------------------------------------------------- the protocol

function onFrame(frame) {
  switch (frame.type) {
    case "hello_ack":
      host = frame;
      for (const [name, c] of Object.entries(commands)) {
        send({ type: "register_command", name, description: c.description });
      }
      for (const [name, t] of Object.entries(tools)) {
        send({ type: "register_tool", name, description: t.description, schema: t.schema });
      }
      send({ type: "ready" });
      break;

    case "command_invoked": {
      const command = commands[frame.name];
      let reply;
      try {
        reply = command ? command.run(frame.args || "") : { action: "error", error: `no command ${frame.name}` };
      } catch (err) {
        log(`/${frame.name} failed: ${err.stack}`);
        reply = { action: "error", error: String(err.message || err) };
      }
      send({ type: "command_response", id: frame.id, ...reply });
      break;
    }

    case "tool_call": {
      const tool = tools[frame.name];
      try {
        if (!tool) throw new Error(`no tool ${frame.name}`);
        let args = frame.args;
        if (typeof args === "string") args = JSON.parse(args || "{}"); // some hosts send it encoded
        const text = tool.run(args || {});
        send({ type: "tool_result", id: frame.id, content: [{ type: "text", text }] });
      } catch (err) {
        send({ type: "tool_result", id: frame.id, content: [{ type: "text", text: String(err.message || err) }], is_error: true });
      }
      break;
    }

    case "shutdown":
      // wait until the ack is written: stdout to a pipe is asynchronous in Node
      process.stdout.write(JSON.stringify({ type: "shutdown_ack" }) + "\n", () => process.exit(0));
      break;

    default:
      // a frame this extension does not know (a newer zot): ignore it
      break;
  }
}

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
  if (!line.trim()) return;
  let frame;
  try {
    frame = JSON.parse(line);
  } catch (err) {
    log(`not JSON: ${line.slice(0, 80)}`);
    return;
  }
  onFrame(frame);
});
input.on("close", () => process.exit(0)); // zot closed stdin: it is gone

send({ type: "hello", name: NAME, version: "1.0.0", capabilities: ["commands", "tools"] });
