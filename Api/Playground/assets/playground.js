// FlorenceVL playground: a chat page for /v1/chat/completions. Plain script, no dependencies; served with a
// Content-Security-Policy that allows only this server's own scripts and API (no inline script, no CDN).
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    apiKey: $("api-key"), model: $("model"), modelError: $("model-error"), temperature: $("temperature"),
    maxTokens: $("max-tokens"), systemPrompt: $("system-prompt"), schema: $("json-schema"), schemaError: $("schema-error"),
    newChat: $("new-chat"), messages: $("messages"), empty: $("empty"), composer: $("composer"),
    attachments: $("attachments"), composerError: $("composer-error"), fileInput: $("file-input"), prompt: $("prompt"),
    send: $("send"), dropOverlay: $("drop-overlay"),
  };

  /** Earlier turns, sent back with every follow-up: {role, content} in the API's shape. Page memory only. */
  let history = [];
  /** Images attached to the message being written: {name, url (a data: URL)}. */
  let pending = [];
  /** The request in flight, to stop it. */
  let inFlight = null;

  // ---- helpers -------------------------------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function headers(json) {
    const h = {};
    if (json) h["Content-Type"] = "application/json";
    const key = ui.apiKey.value.trim();
    if (key) h["Authorization"] = "Bearer " + key;
    return h;
  }

  function showFieldError(node, message) {
    node.textContent = message || "";
    node.hidden = !message;
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  /** The message of an OpenAI-shaped error body ({"error":{"message",...}}), or the raw text. */
  function errorMessage(status, statusText, body) {
    try {
      const parsed = JSON.parse(body);
      if (parsed && parsed.error) {
        if (typeof parsed.error === "string") return parsed.error;
        if (parsed.error.message) return parsed.error.message;
      }
      if (parsed && parsed.title) return parsed.title + (parsed.detail ? ": " + parsed.detail : "");
    } catch (_) { /* not JSON */ }
    const text = (body || "").trim();
    return `HTTP ${status}${statusText ? " " + statusText : ""}${text ? ": " + text.slice(0, 500) : ""}`;
  }

  // ---- models --------------------------------------------------------------------------------------------------

  async function loadModels() {
    const selected = ui.model.value;
    try {
      const response = await fetch("/v1/models", { headers: headers(false) });
      const body = await response.text();
      if (!response.ok) throw new Error(errorMessage(response.status, response.statusText, body));
      const ids = (JSON.parse(body).data || []).map((m) => m.id);
      ui.model.replaceChildren(...ids.map((id) => { const o = el("option", "", id); o.value = id; return o; }));
      if (ids.includes(selected)) ui.model.value = selected;
      showFieldError(ui.modelError, ids.length ? "" : "The server lists no models.");
    } catch (e) {
      ui.model.replaceChildren(el("option", "", "(unavailable)"));
      ui.model.firstChild.value = "";
      showFieldError(ui.modelError, "Could not list models: " + e.message);
    }
  }

  // ---- attachments ---------------------------------------------------------------------------------------------

  function readAsDataUrl(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error || new Error("could not read " + file.name));
      reader.readAsDataURL(file);
    });
  }

  async function attach(files) {
    const errors = [];
    for (const file of files) {
      if (!file.type.startsWith("image/")) { errors.push(`${file.name || "file"} is not an image`); continue; }
      try {
        pending.push({ name: file.name || "pasted image", url: await readAsDataUrl(file) });
      } catch (e) {
        errors.push(e.message);
      }
    }
    showFieldError(ui.composerError, errors.join("\n"));
    renderAttachments();
  }

  function renderAttachments() {
    ui.attachments.replaceChildren(...pending.map((image, index) => {
      const thumb = el("div", "thumb");
      const img = el("img");
      img.src = image.url;
      img.alt = image.name;
      img.title = image.name;
      const remove = el("button", "", "×");
      remove.type = "button";
      remove.title = "Remove " + image.name;
      remove.addEventListener("click", () => { pending.splice(index, 1); renderAttachments(); });
      thumb.append(img, remove);
      return thumb;
    }));
    ui.attachments.hidden = pending.length === 0;
  }

  // ---- conversation --------------------------------------------------------------------------------------------

  function addMessage(kind, roleLabel) {
    ui.empty.hidden = true;
    const node = el("div", "message " + kind);
    node.append(el("div", "role", roleLabel));
    ui.messages.append(node);
    scrollToEnd();
    return node;
  }

  function addUserMessage(text, images) {
    const node = addMessage("user", "You");
    if (images.length) {
      const strip = el("div", "images");
      for (const image of images) {
        const img = el("img");
        img.src = image.url;
        img.alt = image.name;
        strip.append(img);
      }
      node.append(strip);
    }
    if (text) node.append(el("div", "text", text));
    return node;
  }

  function addError(message) {
    const node = addMessage("error", "Error");
    node.append(el("div", "error-message", message));
    scrollToEnd();
    return node;
  }

  function formatUsage(usage, timing) {
    const parts = [];
    if (usage) {
      const details = usage.prompt_tokens_details || {};
      parts.push(`${usage.prompt_tokens} prompt tokens`);
      parts.push(`${usage.completion_tokens} completion tokens`);
      parts.push(`${details.cached_tokens ?? 0} cached tokens`);
      parts.push(`${details.image_tokens ?? 0} image tokens`);
    }
    if (timing.firstToken !== null) parts.push(`first token ${Math.round(timing.firstToken - timing.start)} ms`);
    const tokens = usage ? usage.completion_tokens : timing.chunks;
    // Decode speed after the first token; with a single token, over the whole request.
    const from = tokens > 1 && timing.firstToken !== null && timing.end > timing.firstToken ? timing.firstToken : timing.start;
    const counted = from === timing.start ? tokens : tokens - 1;
    const seconds = (timing.end - from) / 1000;
    if (seconds > 0 && counted > 0) parts.push(`${(counted / seconds).toFixed(1)} tokens/s`);
    if (timing.finishReason) parts.push(`finish: ${timing.finishReason}`);
    return parts.join(" · ");
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  /** The response_format for the schema box, null when it is empty; throws with a readable message when invalid. */
  function responseFormat() {
    const text = ui.schema.value.trim();
    if (!text) return null;
    let schema;
    try {
      schema = JSON.parse(text);
    } catch (e) {
      throw new Error("The JSON schema is not valid JSON: " + e.message);
    }
    if (schema === null || typeof schema !== "object" || Array.isArray(schema))
      throw new Error("The JSON schema must be a JSON object.");
    return { type: "json_schema", json_schema: { name: "playground", schema } };
  }

  function buildRequest(userMessage, format) {
    const messages = [];
    const system = ui.systemPrompt.value.trim();
    if (system) messages.push({ role: "system", content: system });
    messages.push(...history, userMessage);
    const body = { model: ui.model.value, messages, stream: true, stream_options: { include_usage: true } };
    const temperature = parseFloat(ui.temperature.value);
    if (!Number.isNaN(temperature)) body.temperature = temperature;
    const maxTokens = parseInt(ui.maxTokens.value, 10);
    if (!Number.isNaN(maxTokens)) body.max_tokens = maxTokens;
    if (format) body.response_format = format;
    return body;
  }

  /** Yields the data of each server-sent event (lines starting "data:", joined), parsed by hand from the body stream. */
  async function* serverSentEvents(body, signal) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    signal.addEventListener("abort", () => reader.cancel().catch(() => {}), { once: true });
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let boundary;
      while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary).replace(/^\r?\n\r?\n/, "");
        const data = block.split(/\r?\n/).filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
        if (data) yield data;
      }
    }
    const rest = buffer.split(/\r?\n/).filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
    if (rest) yield rest;
  }

  function setBusy(busy) {
    ui.send.textContent = busy ? "Stop" : "Send";
    ui.send.classList.toggle("stop", busy);
    ui.composer.classList.toggle("busy", busy);
  }

  async function send() {
    if (inFlight) { inFlight.abort(); return; }
    const text = ui.prompt.value.trim();
    if (!text && pending.length === 0) return;

    let format;
    try {
      format = responseFormat();
      showFieldError(ui.schemaError, "");
    } catch (e) {
      showFieldError(ui.schemaError, e.message);
      showFieldError(ui.composerError, e.message);
      return; // nothing is sent
    }
    showFieldError(ui.composerError, "");
    if (!ui.model.value) await loadModels();

    const images = pending;
    const content = images.map((image) => ({ type: "image_url", image_url: { url: image.url } }));
    if (text) content.push({ type: "text", text });
    const userMessage = { role: "user", content: images.length ? content : text };
    const body = buildRequest(userMessage, format);

    addUserMessage(text, images);
    pending = [];
    renderAttachments();
    ui.prompt.value = "";

    const controller = new AbortController();
    inFlight = controller;
    setBusy(true);
    const node = addMessage("assistant", body.model || "Assistant");
    const answer = el("div", "answer streaming");
    const usageLine = el("div", "usage", "waiting…");
    node.append(answer, usageLine);

    const timing = { start: performance.now(), firstToken: null, end: 0, chunks: 0, finishReason: null };
    let usage = null;
    let failure = null;
    let done = false;
    try {
      const response = await fetch("/v1/chat/completions", {
        method: "POST", headers: headers(true), body: JSON.stringify(body), signal: controller.signal,
      });
      const isStream = (response.headers.get("Content-Type") || "").includes("text/event-stream");
      if (!response.ok || !response.body || !isStream) {
        failure = errorMessage(response.status, response.statusText, await response.text());
      } else {
        for await (const data of serverSentEvents(response.body, controller.signal)) {
          if (data === "[DONE]") { done = true; break; }
          let chunk;
          try { chunk = JSON.parse(data); } catch (_) { failure = "The server sent an unreadable event: " + data.slice(0, 200); break; }
          if (chunk.error) { failure = chunk.error.message || JSON.stringify(chunk.error); break; }
          if (chunk.usage) usage = chunk.usage;
          const choice = (chunk.choices || [])[0];
          if (!choice) continue;
          const delta = choice.delta || {};
          const piece = (delta.content || "") + (delta.refusal || "");
          if (piece) {
            if (timing.firstToken === null) timing.firstToken = performance.now();
            timing.chunks++;
            answer.textContent += piece;
            scrollToEnd();
          }
          if (delta.tool_calls) {
            for (const call of delta.tool_calls) {
              if (timing.firstToken === null) timing.firstToken = performance.now();
              const fn = call.function || {};
              answer.textContent += (fn.name ? `[${fn.name}] ` : "") + (fn.arguments || "");
            }
          }
          if (choice.finish_reason) timing.finishReason = choice.finish_reason;
        }
        if (!done && !failure && !controller.signal.aborted) failure = "The stream ended before [DONE].";
      }
    } catch (e) {
      failure = controller.signal.aborted ? null : "The request failed: " + e.message;
    } finally {
      timing.end = performance.now();
      inFlight = null;
      setBusy(false);
      answer.classList.remove("streaming");
    }

    if (controller.signal.aborted && !failure) {
      usageLine.textContent = "stopped · " + formatUsage(usage, timing);
      return;
    }
    if (failure) {
      if (!answer.textContent) node.remove();
      else usageLine.textContent = formatUsage(usage, timing);
      addError(failure);
      // The failed turn is not kept: a follow-up should not send it again.
      return;
    }
    usageLine.textContent = formatUsage(usage, timing);
    if (usage) {
      const details = usage.prompt_tokens_details || {};
      usageLine.dataset.promptTokens = usage.prompt_tokens;
      usageLine.dataset.completionTokens = usage.completion_tokens;
      usageLine.dataset.cachedTokens = details.cached_tokens ?? 0;
      usageLine.dataset.imageTokens = details.image_tokens ?? 0;
    }
    history.push(userMessage, { role: "assistant", content: answer.textContent });
    scrollToEnd();
  }

  // ---- events --------------------------------------------------------------------------------------------------

  ui.composer.addEventListener("submit", (e) => { e.preventDefault(); send(); });
  ui.prompt.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  ui.fileInput.addEventListener("change", async () => {
    await attach([...ui.fileInput.files]);
    ui.fileInput.value = "";
  });
  document.addEventListener("paste", (e) => {
    const files = [...(e.clipboardData ? e.clipboardData.items : [])]
      .filter((item) => item.kind === "file" && item.type.startsWith("image/")).map((item) => item.getAsFile()).filter(Boolean);
    if (files.length) { e.preventDefault(); attach(files); }
  });
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes("Files");
  document.addEventListener("dragenter", (e) => { if (hasFiles(e)) { dragDepth++; ui.dropOverlay.hidden = false; } });
  document.addEventListener("dragleave", () => { if (dragDepth > 0 && --dragDepth === 0) ui.dropOverlay.hidden = true; });
  document.addEventListener("dragover", (e) => { if (hasFiles(e)) e.preventDefault(); });
  document.addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    ui.dropOverlay.hidden = true;
    attach([...e.dataTransfer.files]);
  });
  ui.schema.addEventListener("input", () => {
    try { responseFormat(); showFieldError(ui.schemaError, ""); } catch (e) { showFieldError(ui.schemaError, e.message); }
  });
  ui.apiKey.addEventListener("change", loadModels);
  ui.newChat.addEventListener("click", () => {
    if (inFlight) inFlight.abort();
    history = [];
    for (const node of [...ui.messages.querySelectorAll(".message")]) node.remove();
    ui.empty.hidden = false;
    showFieldError(ui.composerError, "");
  });

  loadModels();
})();
