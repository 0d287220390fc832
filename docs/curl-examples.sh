#!/usr/bin/env bash
# The README's curl examples. tests/FlorenceVL.Api.Tests (CurlExamplesTests) runs every block below against a real
# server process, so they stay correct. Start a server first: `dotnet run --project Api`.
BASE_URL=${BASE_URL:-http://127.0.0.1:8000}

# Text
curl -sS "$BASE_URL/v1/chat/completions" \
  -H "Content-Type: application/json" \
  -d '{
    "model": "florence-vl-tiny",
    "messages": [
      {"role": "system", "content": "You are a helpful assistant."},
      {"role": "user", "content": "Say hello."}
    ],
    "max_tokens": 16,
    "temperature": 0
  }'

# An image as a data: URL (here a 4x4 PNG; use "data:image/png;base64,$(base64 -w0 photo.png)" for a file)
curl -sS "$BASE_URL/v1/chat/completions" \
  -H "Content-Type: application/json" \
  -d '{
    "model": "florence-vl-tiny",
    "messages": [{
      "role": "user",
      "content": [
        {"type": "text", "text": "What is in this image?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAKUlEQVR42g3HMQEAAAzCMIRVGEqqBIFbviSR2LiYIFgcn0ptXT+T2bl5ycMUocNqw7sAAAAASUVORK5CYII="}}
      ]
    }],
    "max_tokens": 16
  }'

# Streaming (server-sent events, ending with data: [DONE]; the last chunk before it carries the usage)
curl -sS -N "$BASE_URL/v1/chat/completions" \
  -H "Content-Type: application/json" \
  -d '{
    "model": "florence-vl-tiny",
    "messages": [{"role": "user", "content": "Count to five."}],
    "max_tokens": 16,
    "stream": true,
    "stream_options": {"include_usage": true}
  }'
