using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace FlorenceVL.Api.Tests.Playground;

/// <summary>The playground at / end to end: a real server on the default model, a real headless chromium.</summary>
public sealed class PlaygroundBrowserTests(PlaygroundFixture fixture) : IClassFixture<PlaygroundFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);
    private static readonly string Example = Repository.Path("models", "florence-vl-shapes", "example.png");

    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task The_page_is_served_at_the_root_with_a_content_security_policy_and_the_API_is_not_shadowed()
    {
        using var http = Server.CreateClient();

        using var page = await http.GetAsync("/");
        using var script = await http.GetAsync("/playground/playground.js");
        using var style = await http.GetAsync("/playground/playground.css");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "default-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'", "script-src 'self'" })
            Assert.Contains(directive, csp);
        Assert.DoesNotContain("unsafe", csp);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"/playground/playground.js\"", html);
        Assert.DoesNotMatch(new Regex(@"<script(?![^>]*\bsrc=)", RegexOptions.IgnoreCase), html); // no inline script
        Assert.DoesNotMatch(new Regex(@"\son\w+=", RegexOptions.IgnoreCase), html); // no inline handlers
        Assert.DoesNotMatch(new Regex(@"https?://", RegexOptions.IgnoreCase), html); // nothing from a CDN
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);

        // The API, health, metrics and Swagger answer as before.
        using var models = await http.GetFromJsonAsync<JsonDocument>("/v1/models");
        Assert.Equal("florence-vl-shapes", models!.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        using var unknown = await http.GetAsync("/v1/index.html");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"error\"", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/swagger/index.html")).StatusCode);
    }

    [Fact]
    public void A_picture_and_a_question_stream_an_answer_with_usage_and_a_follow_up_sends_the_conversation_back()
    {
        var browser = OpenPage();

        browser.FindElement(By.Id("file-input")).SendKeys(Example);
        Wait(browser, TimeSpan.FromSeconds(30), "the thumbnail", b => b.FindElements(By.CssSelector("#attachments .thumb img")).Count == 1);
        SetValue(browser, "temperature", "0");
        SetValue(browser, "max-tokens", "8");
        browser.FindElement(By.Id("prompt")).SendKeys("How many shapes are there?");
        browser.FindElement(By.Id("send")).Click();

        var (answer, usage) = WaitForAnswer(browser, 1);
        Assert.Equal("4", answer);
        Assert.Contains("25 image tokens", usage);
        Assert.Matches(@"\d+ prompt tokens · \d+ completion tokens · \d+ cached tokens · 25 image tokens · first token \d+ ms · [\d.]+ tokens/s", usage);
        Assert.Single(browser.FindElements(By.CssSelector(".message.user .images img")));
        Assert.Empty(browser.FindElements(By.CssSelector(".message.error")));
        fixture.Screenshot("playground-answered.png");

        // A follow-up without a picture: the earlier turns (the picture among them) are sent back with it.
        browser.FindElement(By.Id("prompt")).SendKeys("How many shapes are there?");
        browser.FindElement(By.Id("send")).Click();
        var (_, followUp) = WaitForAnswer(browser, 2);
        var usages = browser.FindElements(By.CssSelector(".message.assistant .usage"));
        Assert.Equal("25", usages[1].GetDomAttribute("data-image-tokens"));
        Assert.True(int.Parse(usages[1].GetDomAttribute("data-prompt-tokens")!) > int.Parse(usages[0].GetDomAttribute("data-prompt-tokens")!), followUp);
        fixture.Screenshot("playground-follow-up.png");
    }

    [Fact]
    public async Task A_file_that_is_not_a_picture_shows_the_API_error_message_in_the_conversation()
    {
        var junk = Path.Combine(Path.GetTempPath(), $"florencevl-junk-{Guid.NewGuid():N}.png");
        var bytes = "this is not a PNG, just text with a .png name"u8.ToArray();
        await File.WriteAllBytesAsync(junk, bytes);
        try
        {
            // What the API itself says about such an image.
            using var http = Server.CreateClient();
            var body = $$$"""
                {"model":"florence-vl-shapes","stream":true,"messages":[{"role":"user","content":[
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Convert.ToBase64String(bytes)}}}"}},{"type":"text","text":"What is this?"}]}]}
                """;
            using var direct = await http.PostAsync("/v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
            using var error = JsonDocument.Parse(await direct.Content.ReadAsStringAsync());
            var expected = error.RootElement.GetProperty("error").GetProperty("message").GetString()!;

            var browser = OpenPage();
            browser.FindElement(By.Id("file-input")).SendKeys(junk);
            Wait(browser, TimeSpan.FromSeconds(30), "the thumbnail", b => b.FindElements(By.CssSelector("#attachments .thumb")).Count == 1);
            browser.FindElement(By.Id("prompt")).SendKeys("What is this?");
            browser.FindElement(By.Id("send")).Click();

            var shown = Wait(browser, Generous, "the error message",
                b => b.FindElements(By.CssSelector(".message.error .error-message")).FirstOrDefault()?.Text);
            Assert.Equal(expected, shown);
            Assert.Empty(browser.FindElements(By.CssSelector(".message.assistant")));
            Assert.Equal("Send", browser.FindElement(By.Id("send")).Text);
            fixture.Screenshot("playground-error.png");
        }
        finally
        {
            File.Delete(junk);
        }
    }

    [Fact]
    public void An_invalid_JSON_schema_is_shown_as_an_error_and_nothing_is_sent()
    {
        var browser = OpenPage();
        browser.FindElement(By.Id("json-schema")).SendKeys("{\"type\": \"object\",");
        browser.FindElement(By.Id("prompt")).SendKeys("How many shapes are there?");
        browser.FindElement(By.Id("send")).Click();

        var shown = Wait(browser, TimeSpan.FromSeconds(30), "the schema error",
            b => b.FindElement(By.Id("composer-error")) is { Displayed: true, Text: { Length: > 0 } text } ? text : null);
        Assert.StartsWith("The JSON schema is not valid JSON", shown);
        Assert.Empty(browser.FindElements(By.CssSelector(".message")));
        Assert.Equal("How many shapes are there?", browser.FindElement(By.Id("prompt")).GetDomProperty("value"));
    }

    [Fact]
    public void Dropped_and_pasted_images_become_thumbnails_and_can_be_removed()
    {
        var browser = OpenPage();
        var png = Convert.ToBase64String(File.ReadAllBytes(Example));
        const string script = """
            const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
            const files = () => { const t = new DataTransfer(); t.items.add(new File([bytes], "shapes.png", { type: "image/png" })); return t; };
            document.dispatchEvent(new DragEvent("drop", { dataTransfer: files(), bubbles: true, cancelable: true }));
            document.getElementById("prompt").dispatchEvent(new ClipboardEvent("paste", { clipboardData: files(), bubbles: true, cancelable: true }));
            """;
        ((IJavaScriptExecutor)browser).ExecuteScript(script, png);

        Wait(browser, TimeSpan.FromSeconds(30), "two thumbnails", b => b.FindElements(By.CssSelector("#attachments .thumb img")).Count == 2);
        Assert.All(browser.FindElements(By.CssSelector("#attachments .thumb img")), img => Assert.StartsWith("data:image/png;base64,", img.GetDomAttribute("src")));
        browser.FindElement(By.CssSelector("#attachments .thumb button")).Click();
        Assert.Single(browser.FindElements(By.CssSelector("#attachments .thumb")));
    }

    [Fact]
    public async Task On_a_server_with_API_keys_the_page_shows_the_API_error_until_a_key_is_typed_and_then_sends_it()
    {
        var keyed = await fixture.KeyedServerAsync();
        var browser = fixture.Browser;
        browser.Navigate().GoToUrl(keyed.BaseAddress);

        var modelError = Wait(browser, TimeSpan.FromSeconds(60), "the model list's error",
            b => b.FindElement(By.Id("model-error")) is { Displayed: true, Text: { Length: > 0 } text } ? text : null);
        using var http = keyed.CreateClient();
        using var refusal = JsonDocument.Parse(await (await http.GetAsync("/v1/models")).Content.ReadAsStringAsync());
        Assert.Equal("Could not list models: " + refusal.RootElement.GetProperty("error").GetProperty("message").GetString(), modelError);

        var key = browser.FindElement(By.Id("api-key"));
        Assert.Equal("password", key.GetDomAttribute("type"));
        key.SendKeys(PlaygroundFixture.ApiKey + Keys.Tab); // leaving the field (change) reloads the models
        Wait(browser, TimeSpan.FromSeconds(60), "the model list", b => b.FindElement(By.Id("model")).GetDomProperty("value") is { Length: > 0 });
        Assert.False(browser.FindElement(By.Id("model-error")).Displayed);
        SetValue(browser, "max-tokens", "2");
        browser.FindElement(By.Id("prompt")).SendKeys("Hello");
        browser.FindElement(By.Id("send")).Click();
        WaitForAnswer(browser, 1);
        // The key lives in the page's memory only.
        var stored = ((IJavaScriptExecutor)browser).ExecuteScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie;");
        Assert.DoesNotContain(PlaygroundFixture.ApiKey, (string)stored!);
    }

    [Fact]
    public void An_error_payload_inside_the_stream_is_shown_after_the_text_that_came_before_it()
    {
        var browser = OpenPage();
        // The server sends one only when a generation fails after its first chunk (a shutdown abort, say), so the page's
        // fetch is given such a stream here: split mid-event across reads, as the network may deliver it.
        const string script = """
            const realFetch = window.fetch;
            window.fetch = (url, init) => {
              if (!String(url).endsWith("/v1/chat/completions")) return realFetch(url, init);
              const parts = ['data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}\n',
                             '\ndata: {"choices":[{"index":0,"delta":{"content":"lo"}}]}\n\ndata: {"error":{"message":"The ser',
                             'ver is shutting down.","type":"server_error"}}\n\n'];
              const body = new ReadableStream({ start(c) { for (const p of parts) c.enqueue(new TextEncoder().encode(p)); c.close(); } });
              return Promise.resolve(new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }));
            };
            """;
        ((IJavaScriptExecutor)browser).ExecuteScript(script);
        browser.FindElement(By.Id("prompt")).SendKeys("Go on.");
        browser.FindElement(By.Id("send")).Click();

        var shown = Wait(browser, TimeSpan.FromSeconds(30), "the error message",
            b => b.FindElements(By.CssSelector(".message.error .error-message")).FirstOrDefault()?.Text);
        Assert.Equal("The server is shutting down.", shown);
        Assert.Equal("Hello", browser.FindElement(By.CssSelector(".message.assistant .answer")).Text);
    }

    /// <summary>A fresh page (a new conversation) once its model list has loaded.</summary>
    private IWebDriver OpenPage()
    {
        var browser = fixture.Browser;
        browser.Navigate().GoToUrl(Server.BaseAddress);
        Wait(browser, TimeSpan.FromSeconds(60), "the model list",
            b => b.FindElement(By.Id("model")).GetDomProperty("value") == "florence-vl-shapes");
        return browser;
    }

    /// <summary>The <paramref name="count"/>th answer's text and usage line, once its stream has finished.</summary>
    private static (string Answer, string Usage) WaitForAnswer(IWebDriver browser, int count)
    {
        var found = Wait(browser, Generous, $"answer {count}", b =>
        {
            var error = b.FindElements(By.CssSelector(".message.error")).FirstOrDefault();
            if (error is not null) throw new InvalidOperationException("The page shows an error: " + error.Text);
            var answers = b.FindElements(By.CssSelector(".message.assistant"));
            if (answers.Count < count) return null;
            var usage = answers[count - 1].FindElement(By.CssSelector(".usage"));
            if (usage.GetDomAttribute("data-image-tokens") is null) return null;
            return (Tuple<string, string>?)Tuple.Create(answers[count - 1].FindElement(By.CssSelector(".answer")).Text, usage.Text);
        });
        return (found!.Item1, found.Item2);
    }

    private static void SetValue(IWebDriver browser, string id, string value)
    {
        var input = browser.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(value);
        Assert.Equal(value, input.GetDomProperty("value"));
    }

    private static T Wait<T>(IWebDriver browser, TimeSpan timeout, string what, Func<IWebDriver, T> condition)
    {
        var wait = new WebDriverWait(browser, timeout) { PollingInterval = TimeSpan.FromMilliseconds(100), Message = $"waiting for {what}" };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        try
        {
            return wait.Until(condition);
        }
        catch (WebDriverTimeoutException e)
        {
            throw new TimeoutException($"Timed out {e.Message}; the page shows:\n{browser.FindElement(By.TagName("body")).Text}", e);
        }
    }
}
