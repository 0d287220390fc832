// Structured output through the official `openai` npm package's chat.completions.parse with a plain JSON schema (no
// zod): the SDK parses the answer itself into message.parsed. Prints one JSON summary per request.
// Usage: node parse-json-schema.mjs <baseUrl> <model> <schemaJson>   (run by FlorenceVL.Api.Tests.ServerProcessTests)
import OpenAI from "openai";

const [baseUrl, model, schemaJson] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: process.env.OPENAI_API_KEY ?? "sk-unused", maxRetries: 0 });
const schema = JSON.parse(schemaJson);

const results = [];
for (const seed of [1, 2, 3]) {
  const completion = await client.chat.completions.parse({
    model,
    seed,
    temperature: 1,
    max_tokens: 160,
    messages: [{ role: "user", content: "Describe a shape." }],
    response_format: { type: "json_schema", json_schema: { name: "shape", strict: true, schema } },
  });
  const choice = completion.choices[0];
  results.push({ finishReason: choice.finish_reason, content: choice.message.content, parsed: choice.message.parsed });
}
console.log(JSON.stringify(results));
