"""Names of zot's own slash commands; an extension command of the same name is only /ext:name."""

BUILTIN_COMMANDS: dict[str, str] = {
    "help": "list commands and keys",
    "model": "show or switch the model",
    "sessions": "resume a session of this project",
    "new": "start a new session",
    "compact": "summarise older turns to free context",
    "cost": "tokens and cost of this session",
    "ext": "extensions and their load errors",
    "reload-ext": "re-read extensions and restart scripts",
    "trust": "trust this project's extensions",
    "clear": "clear the screen",
    "exit": "leave zot",
}
