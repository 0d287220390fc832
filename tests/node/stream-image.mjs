// Streams a chat completion with an image through the official `openai` npm package and prints one JSON summary.
// Usage: node stream-image.mjs <baseUrl> <model> <imagePath>   (run by FlorenceVL.Api.Tests.NodeClientTests)
import { readFileSync } from "node:fs";
import OpenAI from "openai";

const [baseUrl, model, imagePath] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: process.env.OPENAI_API_KEY ?? "sk-unused", maxRetries: 0 });
const image = readFileSync(imagePath).toString("base64");

const stream = await client.chat.completions.create({
  model,
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 6,
  temperature: 0,
  messages: [
    { role: "system", content: "You describe images." },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this picture?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${image}`, detail: "auto" } },
      ],
    },
  ],
});

let text = "";
let chunks = 0;
let finishReason = null;
let usage = null;
let id = null;
for await (const chunk of stream) {
  chunks++;
  id ??= chunk.id;
  for (const choice of chunk.choices) {
    text += choice.delta?.content ?? "";
    finishReason = choice.finish_reason ?? finishReason;
  }
  if (chunk.usage) usage = chunk.usage;
}
console.log(JSON.stringify({ id, chunks, text, finishReason, usage }));
