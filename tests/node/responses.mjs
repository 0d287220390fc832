// The official `openai` npm package's Responses API: responses.create (text and an image) and responses.stream.
// Prints one JSON summary. Usage: node responses.mjs <baseUrl> <model> <imagePath>   (run by FlorenceVL.Api.Tests.Responses.NodeResponsesTests)
import { readFileSync } from "node:fs";
import OpenAI from "openai";

const [baseUrl, model, imagePath] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: process.env.OPENAI_API_KEY ?? "sk-unused", maxRetries: 0 });
const image = readFileSync(imagePath).toString("base64");

const created = await client.responses.create({
  model,
  instructions: "You describe images.",
  max_output_tokens: 6,
  temperature: 0,
  input: [
    {
      role: "user",
      content: [
        { type: "input_text", text: "What is in this picture?" },
        { type: "input_image", image_url: `data:image/png;base64,${image}`, detail: "auto" },
      ],
    },
  ],
});

const stream = client.responses.stream({ model, input: "Tell a story.", max_output_tokens: 8, temperature: 0 });
let deltas = "";
const events = [];
stream.on("response.output_text.delta", (event) => { deltas += event.delta; });
// A cut answer ends with response.incomplete, as on OpenAI; the SDK's snapshot only takes response.completed's object.
let last = null;
for await (const event of stream) {
  events.push(event.type);
  if (event.type === "response.completed" || event.type === "response.incomplete") last = event.response;
}
const final = await stream.finalResponse();
// The SDK sets output_text on streamed responses only when it parses them; join the message parts here.
const finalText = final.output
  .filter((item) => item.type === "message")
  .flatMap((item) => item.content)
  .filter((part) => part.type === "output_text")
  .map((part) => part.text)
  .join("");

console.log(JSON.stringify({
  created: { id: created.id, status: created.status, outputText: created.output_text, usage: created.usage, store: created.store },
  stream: { events, deltas, finalText, status: last.status, usage: last.usage },
}));
