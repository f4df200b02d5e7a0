// Stands in for the Go zot's Node rpc client (see README.md): one prompt, streamed.
"use strict";
const { spawn } = require("node:child_process");
const readline = require("node:readline");
const crypto = require("node:crypto");

const prompt = process.argv.slice(2).join(" ");
if (!prompt) {
  console.error("usage: node node_client.js PROMPT");
  process.exit(2);
}
const zot = spawn("zot", ["rpc"], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
const send = (frame) => {
  frame.id = frame.id || crypto.randomBytes(4).toString("hex");
  zot.stdin.write(JSON.stringify(frame) + "\n");
};
if (process.env.ZOTCORE_RPC_TOKEN) send({ type: "hello", token: process.env.ZOTCORE_RPC_TOKEN });
send({ type: "prompt", message: prompt });

let code = 0;
readline.createInterface({ input: zot.stdout, crlfDelay: Infinity }).on("line", (line) => {
  let event;
  try {
    event = JSON.parse(line.trim());
  } catch {
    return;
  }
  if (event.type === "text_delta") process.stdout.write(event.delta || "");
  else if (event.type === "tool_call") process.stderr.write(`\n[tool] ${event.name}(${JSON.stringify(event.args || {})})`);
  else if (event.type === "tool_result" && event.is_error) process.stderr.write("\n[tool error]");
  else if (event.type === "usage") {
    const total = event.cumulative || {};
    process.stderr.write(`\n[usage] input=${total.input} output=${total.output} cost=$${(total.cost_usd || 0).toFixed(4)}`);
  } else if (event.type === "error") {
    process.stderr.write(`\n[error] ${event.message}\n`);
    code = 1;
  } else if (event.type === "done") {
    process.stdout.write("\n");
    zot.stdin.end();
    process.exit(code);
  }
});
