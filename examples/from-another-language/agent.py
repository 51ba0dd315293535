#!/usr/bin/env python3
"""A toy agent in Python that logs to historian by printing JSON Lines entries.

Any language can log this way: write one entry object (the fields in docs/entries.md) per line
on standard output and pipe it into `historian ingest -`, which validates every line, reports
bad ones with their line number, and writes the good ones through the manifest's providers.

    npm run build
    python3 examples/from-another-language/agent.py \
      | node dist/cli/main.js ingest - -c examples/from-another-language/agents.yml

Standard library only. The "model" is scripted, so the example runs offline.
"""

import json
import sys
import time
import uuid
from datetime import datetime, timezone

AGENT = "py-researcher"


def now():
    """The time the event happened, not the time it is ingested: isoformat() as it comes
    (microseconds and an offset); historian stores it as ISO 8601 UTC with milliseconds."""
    return datetime.now(timezone.utc).isoformat()


def emit(entry):
    """Writes one entry as one line; flushing keeps entries flowing while the agent runs."""
    entry.setdefault("timestamp", now())
    sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def search_papers(query, limit=2):
    """The agent's one tool."""
    papers = [
        {"title": "Attention Is All You Need", "year": 2017},
        {"title": "Language Models are Few-Shot Learners", "year": 2020},
    ]
    return papers[:limit]


# What a chat-completions API answered, turn by turn, so the example runs offline.
SCRIPTED_REPLIES = [
    {
        "id": "chatcmpl-py-1",
        "model": "gpt-4o-mini",
        "content": None,
        "tool_calls": [{"id": "call_py_1", "name": "search_papers",
                        "arguments": '{"query": "transformer architecture", "limit": 2}'}],
        "usage": {"prompt_tokens": 180, "completion_tokens": 22, "total_tokens": 202,
                  "prompt_tokens_details": {"cached_tokens": 128}},
    },
    {
        "id": "chatcmpl-py-2",
        "model": "gpt-4o-mini",
        "content": "'Attention Is All You Need' (2017) introduced the transformer; GPT-3 (2020) showed it scales.",
        "tool_calls": [],
        "usage": {"prompt_tokens": 260, "completion_tokens": 31, "total_tokens": 291,
                  "prompt_tokens_details": {"cached_tokens": 192}},
    },
]

# USD per million tokens; historian stores the cost the caller gives and does not price calls.
PRICE = {"input": 0.15, "cached_input": 0.075, "output": 0.60}


def cost_info(usage):
    """historian's cost_info: `prompt` counts every input token, cached ones included (as OpenAI's does)."""
    cached = usage.get("prompt_tokens_details", {}).get("cached_tokens", 0)
    fresh = usage["prompt_tokens"] - cached
    cost = (fresh * PRICE["input"] + cached * PRICE["cached_input"]
            + usage["completion_tokens"] * PRICE["output"]) / 1_000_000
    return {
        "token_usage": {"total": usage["total_tokens"], "prompt": usage["prompt_tokens"],
                        "completion": usage["completion_tokens"], "cache_read": cached},
        "total_cost": round(cost, 9),
    }


def main():
    conversation_id = "py-" + uuid.uuid4().hex[:12]
    session_id = "session-" + uuid.uuid4().hex[:8]

    emit({"type": "conversation_start", "conversation_id": conversation_id, "agent_name": AGENT})
    emit({
        "type": "context",
        "conversation_id": conversation_id,
        "role": "system",
        "content": "You find papers and summarise them in one sentence.",
        "metadata": {"source": "system_prompt"},
    })
    emit({"type": "message", "conversation_id": conversation_id, "role": "user",
          "content": "Which papers started the transformer era?"})

    for reply in SCRIPTED_REPLIES:
        started = time.monotonic()
        # A real agent would call its model here.
        emit({
            "type": "message",
            "conversation_id": conversation_id,
            "message_id": reply["id"],
            "role": "assistant",
            "name": AGENT,
            "content": reply["content"] or "",
            "model": "openai/" + reply["model"],
            "cost_info": cost_info(reply["usage"]),
            "response_time": round(time.monotonic() - started, 3),
        })
        for call in reply["tool_calls"]:
            args = json.loads(call["arguments"])
            emit({
                "type": "tool_call",
                "conversation_id": conversation_id,
                "message_id": reply["id"],
                "tool_call_id": call["id"],
                "tool_name": call["name"],
                "args": args,
                "result": search_papers(**args),
            })

    emit({
        "type": "command",
        "agent_name": AGENT,
        "session_id": session_id,
        "command": "/export bibtex",
        "context_type": "slash_command",
        "metadata": {"papers": 2},
    })


if __name__ == "__main__":
    main()
