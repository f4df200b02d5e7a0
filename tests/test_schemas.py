"""The JSON Schemas in schemas/: well-formed, documented, strict, and right about real manifests.

Valid cases must produce no error at all; invalid cases must produce a *specific* best error
(the key path and the JSON Schema keyword), since the validator turns that error into a message.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
SCHEMA_FILES = {
    "extension": REPO / "schemas" / "extension.schema.json",
    "recipe": REPO / "schemas" / "recipe.schema.json",
    "lock": REPO / "schemas" / "lock.schema.json",
    "theme": REPO / "schemas" / "theme.schema.json",
}
SCHEMAS = {kind: json.loads(path.read_text(encoding="utf-8")) for kind, path in SCHEMA_FILES.items()}
VALIDATORS = {kind: Draft202012Validator(schema) for kind, schema in SCHEMAS.items()}

HEAD = "schema: zot/extension/v1\nname: demo\nversion: 1.0.0\ndescription: A demo extension\n"
RECIPE_HEAD = "schema: zot/recipe/v1\nname: team\nversion: 1.0.0\ndescription: Our setup\n"


def load(text: str):
    return YAML(typ="safe").load(text)


def manifest(head: str, extra: str) -> dict:
    """The head's keys, with the extra YAML's keys added or replacing them."""
    return {**load(head), **(load(extra) or {})}


def errors(kind: str, doc) -> list:
    return list(VALIDATORS[kind].iter_errors(doc))


# ---------------------------------------------------------------- the schemas themselves


def walk(schema, where=()):
    """Yield (location, subschema) for every subschema that declares properties.

    Conditional branches (`if`, `then`, `else`, `not`, `dependentSchemas`) only constrain
    properties declared elsewhere, so they are not walked.
    """
    if not isinstance(schema, dict):
        return
    yield where, schema
    for key, value in schema.items():
        if key in ("properties", "$defs", "patternProperties"):
            for name, sub in value.items():
                yield from walk(sub, where + (key, name))
        elif key in ("items", "additionalProperties", "propertyNames", "contains"):
            yield from walk(value, where + (key,))
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            for i, sub in enumerate(value):
                yield from walk(sub, where + (key, i))


@pytest.mark.parametrize("kind", SCHEMAS)
def test_schema_is_valid_2020_12(kind):
    schema = SCHEMAS[kind]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://zot.dev/schemas/{kind}.schema.json"


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_property_has_a_description(kind):
    missing = [
        "/".join(map(str, where + ("properties", name)))
        for where, sub in walk(SCHEMAS[kind])
        for name, prop in sub.get("properties", {}).items()
        if isinstance(prop, dict) and not prop.get("description", "").strip()
    ]
    assert missing == []


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_def_has_a_title_and_description(kind):
    defs = SCHEMAS[kind]["$defs"]
    assert [n for n, d in defs.items() if not d.get("title") or not d.get("description")] == []


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_object_is_strict(kind):
    loose = [
        "/".join(map(str, where))
        for where, sub in walk(SCHEMAS[kind])
        if "properties" in sub and "$ref" not in sub and sub.get("additionalProperties") is not False
    ]
    assert loose == []


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_ref_resolves_and_every_def_is_used(kind):
    text = SCHEMA_FILES[kind].read_text(encoding="utf-8")
    schema = SCHEMAS[kind]
    refs = set()

    def collect(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema)
    assert {r for r in refs if not r.startswith("#/$defs/")} == set()
    assert {r.removeprefix("#/$defs/") for r in refs} == set(schema["$defs"])
    assert text.endswith("}\n")


def test_event_names_are_the_documented_bus():
    assert SCHEMAS["extension"]["$defs"]["event"]["enum"] == [
        "session_start", "input", "before_agent_start", "agent_start", "turn_start",
        "message_start", "message_update", "message_end", "tool_call", "tool_execution_start",
        "tool_execution_end", "tool_result", "turn_end", "agent_end", "model_change",
        "before_compact", "session_shutdown",
    ]


# ---------------------------------------------------------------- valid extension manifests

DESIGN_SKETCH = r"""
params:
  protected: {type: array, items: {type: string}, default: [".env", ".git/**"]}
commands:
  review:
    description: Review a diff
    args: [{name: ref, default: HEAD}]
    prompt: "Review `git diff {{ args.ref }}` ..."
tools:
  run_tests:
    description: Run the test suite
    parameters: {type: object, properties: {path: {type: string}}}
    run: {argv: [pytest, -q, "{{ args.path | default('tests') }}"], timeout: 120}
    result: "{{ stdout }}"
guards:
  no-recursive-delete:
    tool: bash
    when: {arg: command, shell: {program: rm, flags: [r, f]}}
    action: deny
    reason: "recursive force delete is not allowed"
    examples:
      deny: ["rm -rf /", "rm -fr build", "find . -delete"]
      allow: ["rm notes.txt", "echo 'rm -rf /' >> notes.md"]
hooks:
  - on: tool_result
    tool: bash
    redact: ['AKIA[0-9A-Z]{16}']
  - on: before_agent_start
    system: "Ask before deleting files."
widgets:
  branch:
    placement: status
    run: {argv: [git, branch, --show-current]}
    text: "⎇ {{ stdout | trim }}"
    refresh: {on: [turn_end], every: 30s}
script:
  exec: python3
  args: [main.py]
  on_error: deny
tests:
  - tool_call: {tool: bash, args: {command: "rm -rf ~"}}
    expect: deny
"""

VALID = {
    "minimal": "",
    "design sketch": DESIGN_SKETCH,
    "metadata": """
author: Ada <ada@example.com>
homepage: https://example.com/demo
license: MIT
requires: {zot: ">=0.1, <1"}
""",
    "params of every type": """
params:
  style: {type: string, enum: [short, long], default: short, description: Review style}
  limit: {type: integer, minimum: 1, maximum: 10, default: 3}
  ratio: {type: number, minimum: 0.5}
  strict: {type: boolean, default: true}
  globs: {type: array, items: {type: string}}
  extra: {type: object}
""",
    "command actions": """
commands:
  review:
    description: Review
    args:
      - {name: ref, description: The revision, default: HEAD}
      - {name: style, enum: [short, long], required: true}
      - {name: rest, rest: true}
    prompt: "Review {{ args.ref }}"
  named: {description: Named, prompt: {template: review}}
  ins: {description: Insert, insert: "git commit -m ''"}
  show: {description: Display, display: "{{ cwd }}"}
  ping: {description: Notify, notify: pong}
  status:
    description: Git status
    run: {argv: [git, status], cwd: ., env: [PATH], set_env: {GIT_PAGER: cat}, stdin: "", timeout: 500ms, max_output: 1000}
    output: "{{ stdout }}"
prompts:
  templates:
    review: "Review `git diff {{ args.ref }}`"
""",
    "tool actions": """
tools:
  run_tests:
    description: Run tests
    run: {argv: [pytest, -q]}
  pypi_version:
    description: Latest version on PyPI
    parameters: {type: object, properties: {package: {type: string}}, required: [package]}
    http: {method: GET, url: "https://pypi.org/pypi/{{ args.package }}/json", headers: {Accept: application/json}, timeout: 10s}
    result: "{{ json.info.version }}"
  post_it:
    description: Post JSON
    http: {method: POST, url: "https://example.com", json: {q: "{{ args.q }}", n: 1}}
  hello:
    description: Say hello
    template: "hello {{ args.name }}"
""",
    "matcher test kinds": """
guards:
  r: {tool: bash, when: {arg: command, regex: 'git push .*--force', ignore_case: true}, action: deny, reason: no}
  rl: {tool: bash, when: {regex: ['\\bsudo\\b', '\\bsu\\b']}, action: confirm, reason: root}
  g: {tool: [write, edit], when: {arg: path, glob: ['*.pem', '*.key']}, action: deny, reason: keys}
  eq: {tool: bash, when: {arg: timeout, equals: 0}, action: warn, reason: zero}
  i: {tool: 'mcp_*', when: {arg: branch, in: [main, master]}, action: confirm, reason: main}
  c: {tool: bash, when: {contains: [DROP TABLE, TRUNCATE]}, action: deny, reason: sql}
  p: {tool: [write, edit, bash], when: {path: {match: [.env, .git/**], except: [docs/**], inside_project: true}}, action: deny, reason: protected}
  e: {tool: write, when: {expr: "len(args['content']) > 100000"}, action: allow}
""",
    "matcher combinators": """
guards:
  combo:
    tool: bash
    when:
      all:
        - {shell: {program: git, subcommand: push}}
        - any:
            - {shell: {program: git, any_flags: [f, force, force-with-lease]}}
            - {contains: +main}
        - not: {regex: --dry-run}
    action: deny
    reason: no force push
""",
    "shell matcher keys": """
guards:
  rm-home:
    tool: bash
    when:
      shell:
        program: [rm, 'trash*']
        flags: [-r, --force]
        args: {glob: ['/', '~', '~/*']}
        flag_aliases: {recursive: r}
        unparsable: true
    action: deny
    reason: "no"
    priority: 10
    on_error: deny
    mode: shadow
""",
    "rewrite edits": """
guards:
  dry-run:
    tool: bash
    when: {shell: {program: git, subcommand: push}}
    action: rewrite
    rewrite:
      - {arg: command, set: "{{ args.command }}"}
      - {arg: command, replace: {old: "git push", new: "git push --dry-run", count: 1}}
      - {arg: command, sub: {pattern: '^git push\\b', repl: 'git push -n', count: 0}}
      - {arg: command, prepend: "GIT_TRACE=1 "}
      - {arg: command, append: " --dry-run"}
      - {arg: timeout, delete: true}
    examples:
      rewrite:
        - call: "git push origin main"
          expect: {command: "git push --dry-run origin main"}
      allow: ["git status"]
""",
    "guard examples as calls": """
guards:
  env:
    tool: [write, edit]
    when: {path: {match: .env}}
    action: confirm
    reason: secrets
    on_error: confirm
    examples:
      confirm: [{tool: write, args: {path: .env, content: X=1}}]
      allow: [{args: {path: README.md, content: hi}}]
""",
    "hook actions": """
hooks:
  - {on: session_start, notify: "hello {{ model }}", level: warning}
  - {on: [tool_call, tool_result], tool: bash, log: {file: .zot/log.jsonl, line: "{{ event | tojson }}"}}
  - {on: tool_call, log: {}}
  - {on: turn_end, run: {argv: [notify-send, done]}, if: "event['turn'] > 3", on_error: deny, priority: 5}
  - {on: before_agent_start, system: "Be brief."}
  - {on: input, transform: {regex: '^!!(.*)$', to: "Explain {{ match[1] }}"}}
  - {on: input, transform: {regex: '^/quit$', handled: true}}
  - {on: [tool_result, message_end], redact: ['AKIA[0-9A-Z]{16}']}
  - {on: tool_result, tool: [bash, 'mcp_*'], truncate: {max_chars: 20000, max_lines: 400}}
  - {on: tool_result, append: "Run the tests."}
""",
    "prompts": """
prompts:
  system:
    - text: "Use uv."
      when: {model: 'anthropic/*', files: [pyproject.toml], expr: "True"}
    - text: "Plain."
  templates: {review: "Review {{ args.ref }}", explain-it: "Explain"}
  context_files: [CONVENTIONS.md]
""",
    "widgets": """
widgets:
  clock: {text: "{{ date }}"}
  branch:
    placement: footer
    run: {argv: [git, branch, --show-current], timeout: 2s}
    text: "{{ stdout | trim }}"
    refresh: {on: turn_end, every: 1.5}
    order: -1
  tokens: {placement: header, text: "{{ session.usage.input_tokens }}", refresh: {every: 1m}}
""",
    "script": """
script:
  exec: ./bin/guard
  args: [--fast]
  env: {PYTHONUNBUFFERED: "1"}
  on_error: allow
  timeouts: {hello: 5s, ready: 10s, intercept: 2.5s, tool: 2m, command: 30}
  restart: {max: 0, backoff: 250ms}
""",
    "tests of every subject": """
tests:
  - name: denied
    tool_call: {tool: bash, args: {command: "rm -rf ~"}}
    expect: deny
  - tool_call: {tool: bash, args: {command: "git push"}}
    expect: {decision: allow, args: {command: "git push --dry-run"}, reason: dry}
  - command: /review HEAD~1
    expect: {prompt: "git diff HEAD~1"}
  - command: /status
    expect: {output: clean, insert: x, error: y}
  - tool: {name: run_tests, args: {path: tests}}
    expect: {result: passed, error: false}
  - tool: {name: hello}
    expect: {equals: hello}
  - input: "!!ls"
    expect: {text: "Explain ls", handled: false}
  - widget: branch
    expect: {text: main, equals: main}
""",
}


@pytest.mark.parametrize("case", VALID)
def test_valid_manifest(case):
    doc = manifest(HEAD, VALID[case])
    assert [e.message for e in errors("extension", doc)] == []


def test_on_key_is_a_string_in_yaml_1_2():
    """`on:` must not turn into True: manifests are read as YAML 1.2."""
    doc = manifest(HEAD, VALID["hook actions"])
    assert "on" in doc["hooks"][0]


# ---------------------------------------------------------------- invalid extension manifests

# (extra YAML, key path of the best error, JSON Schema keyword of the best error)
INVALID = {
    "unknown top-level key": ("comands: {}", [], "additionalProperties"),
    "unknown key in a command": (
        "commands: {a: {description: x, prompt: p, promt: q}}", ["commands", "a"], "additionalProperties"),
    "two actions in one command": (
        "commands: {a: {description: x, prompt: p, insert: i}}", ["commands", "a"], "oneOf"),
    "no action in a command": ("commands: {a: {description: x}}", ["commands", "a"], "oneOf"),
    "output without run": (
        "commands: {a: {description: x, prompt: p, output: o}}", ["commands", "a", "output"], "not"),
    "command without description": ("commands: {a: {prompt: p}}", ["commands", "a"], "required"),
    "guard action block": (
        "guards: {g: {tool: bash, action: block, reason: r}}", ["guards", "g", "action"], "enum"),
    "deny guard without reason": ("guards: {g: {tool: bash, action: deny}}", ["guards", "g"], "required"),
    "rewrite guard without edits": ("guards: {g: {tool: bash, action: rewrite}}", ["guards", "g"], "required"),
    "edits on a deny guard": (
        "guards: {g: {tool: bash, action: deny, reason: r, rewrite: [{arg: a, set: b}]}}",
        ["guards", "g", "rewrite"], "not"),
    "matcher with two tests": (
        "guards: {g: {tool: bash, action: allow, when: {regex: a, glob: b}}}", ["guards", "g", "when"], "oneOf"),
    "matcher with no test": (
        "guards: {g: {tool: bash, action: allow, when: {arg: command}}}", ["guards", "g", "when"], "oneOf"),
    "nested matcher with two tests": (
        "guards: {g: {tool: bash, action: allow, when: {not: {regex: a, contains: b}}}}",
        ["guards", "g", "when", "not"], "oneOf"),
    "unknown shell key": (
        "guards: {g: {tool: bash, action: allow, when: {shell: {programme: rm}}}}",
        ["guards", "g", "when", "shell"], "additionalProperties"),
    "shell args matcher with arg": (
        "guards: {g: {tool: bash, action: allow, when: {shell: {args: {arg: x, glob: '/'}}}}}",
        ["guards", "g", "when", "shell", "args", "arg"], "not"),
    "edit with two changes": (
        "guards: {g: {tool: bash, action: rewrite, rewrite: [{arg: a, set: b, append: c}]}}",
        ["guards", "g", "rewrite", 0], "oneOf"),
    "bad on_error": (
        "guards: {g: {tool: bash, action: allow, on_error: ignore}}", ["guards", "g", "on_error"], "enum"),
    "bad duration unit": ("widgets: {w: {text: x, refresh: {every: 30 sec}}}", ["widgets", "w", "refresh", "every"], "pattern"),
    "negative duration": ("tools: {t: {description: d, run: {argv: [x], timeout: -1}}}", ["tools", "t", "run", "timeout"], "minimum"),
    "bad extension name": ("name: Demo_Ext!", ["name"], "pattern"),
    "bad guard name": ("guards: {Bad: {tool: bash, action: allow}}", ["guards"], "pattern"),
    "tool name with a dash": ("tools: {run-tests: {description: d, template: x}}", ["tools"], "pattern"),
    "name too long": ("name: " + "a" * 65, ["name"], "maxLength"),
    "bad version": ("version: v1", ["version"], "pattern"),
    "wrong schema": ("schema: zot/extension/v2", ["schema"], "const"),
    "two tool actions": (
        "tools: {t: {description: d, template: x, run: {argv: [y]}}}", ["tools", "t"], "oneOf"),
    "result with template": (
        "tools: {t: {description: d, template: x, result: y}}", ["tools", "t", "result"], "not"),
    "empty argv": ("tools: {t: {description: d, run: {argv: []}}}", ["tools", "t", "run", "argv"], "minItems"),
    "body and json": (
        "tools: {t: {description: d, http: {url: u, body: b, json: {}}}}", ["tools", "t", "http", "body"], "not"),
    "unknown event": ("hooks: [{on: turn_ended, notify: x}]", ["hooks", 0, "on"], "enum"),
    "two hook actions": ("hooks: [{on: turn_end, notify: x, run: {argv: [y]}}]", ["hooks", 0], "oneOf"),
    "system on the wrong event": ("hooks: [{on: turn_end, system: x}]", ["hooks", 0, "on"], "enum"),
    "tool filter on a non-tool event": ("hooks: [{on: turn_end, tool: bash, notify: x}]", ["hooks", 0, "on"], "enum"),
    "level without notify": ("hooks: [{on: turn_end, level: info, log: {}}]", ["hooks", 0, "level"], "not"),
    "transform with neither to nor handled": (
        "hooks: [{on: input, transform: {regex: x}}]", ["hooks", 0, "transform"], "anyOf"),
    "bad placement": ("widgets: {w: {text: x, placement: sidebar}}", ["widgets", "w", "placement"], "enum"),
    "param type list": ("params: {p: {type: list}}", ["params", "p", "type"], "enum"),
    "items on a string param": ("params: {p: {type: string, items: {}}}", ["params", "p", "items"], "not"),
    "minimum on a boolean param": ("params: {p: {type: boolean, minimum: 1}}", ["params", "p", "minimum"], "not"),
    "script without exec": ("script: {args: [main.py]}", ["script"], "required"),
    "test with two subjects": (
        "tests: [{command: /x, input: y, expect: {handled: true}}]", ["tests", 0], "oneOf"),
    "tool_call test expecting block": (
        "tests: [{tool_call: {tool: bash}, expect: block}]", ["tests", 0, "expect"], "enum"),
    "command test expecting a verdict": ("tests: [{command: /x, expect: deny}]", ["tests", 0, "expect"], "type"),
    "unknown key in a test expect": (
        "tests: [{widget: w, expect: {txt: x}}]", ["tests", 0, "expect"], "additionalProperties"),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_manifest(case):
    extra, path, keyword = INVALID[case]
    doc = manifest(HEAD, extra)
    found = errors("extension", doc)
    assert found, "expected the manifest to be rejected"
    best = best_match(found)
    assert (list(best.absolute_path), best.validator) == (path, keyword), best.message


def test_required_top_level_keys():
    best = best_match(errors("extension", {"schema": "zot/extension/v1", "name": "x", "version": "1.0.0"}))
    assert (best.validator, best.message) == ("required", "'description' is a required property")


# ---------------------------------------------------------------- recipes

RECIPE_VALID = {
    "all sources": """
extensions:
  - path: ./extensions/lint
  - name: safety
    params: {protected: [.env]}
  - git: https://example.com/x.git
    rev: v1.2.0
    subdir: extensions/foo
    enabled: false
settings: {model: anthropic/claude-sonnet-4-5}
""",
    "one shipped extension": "extensions: [{name: safety}]",
}

RECIPE_INVALID = {
    "two sources": ("extensions: [{name: safety, path: ./x}]", ["extensions", 0], "oneOf"),
    "git without rev": ("extensions: [{git: 'https://example.com/x.git'}]", ["extensions", 0], "required"),
    "rev without git": ("extensions: [{name: safety, rev: v1}]", ["extensions", 0, "rev"], "not"),
    "subdir without git": ("extensions: [{path: ./x, subdir: y}]", ["extensions", 0, "subdir"], "not"),
    "no extensions": ("extensions: []", ["extensions"], "minItems"),
    "unknown key": ("extensions: [{name: safety}]\nextras: 1", [], "additionalProperties"),
    "bad name": ("extensions: [{name: Safety}]", ["extensions", 0, "name"], "pattern"),
}


@pytest.mark.parametrize("case", RECIPE_VALID)
def test_valid_recipe(case):
    assert [e.message for e in errors("recipe", manifest(RECIPE_HEAD, RECIPE_VALID[case]))] == []


@pytest.mark.parametrize("case", RECIPE_INVALID)
def test_invalid_recipe(case):
    extra, path, keyword = RECIPE_INVALID[case]
    best = best_match(errors("recipe", manifest(RECIPE_HEAD, extra)))
    assert (list(best.absolute_path), best.validator) == (path, keyword), best.message


@pytest.mark.parametrize("path", sorted((REPO / "themes").glob("*.yaml")), ids=lambda p: p.name)
def test_the_shipped_themes_are_valid(path):
    assert errors("theme", load(path.read_text(encoding="utf-8"))) == []


def test_a_theme_with_a_bad_colour_is_refused():
    bad = load("schema: zot/theme/v1\nname: x\ncolors: {accent: cyanish, nope: '#fff'}\n")
    assert sorted(e.validator for e in errors("theme", bad)) == ["additionalProperties", "pattern"]
