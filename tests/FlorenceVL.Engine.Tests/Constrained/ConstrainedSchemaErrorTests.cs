using FlorenceVL.Engine.Constrained;

namespace FlorenceVL.Engine.Tests.Constrained;

public sealed class ConstrainedSchemaErrorTests
{
    [Theory]
    [InlineData("""{"type":"object","properties":{"name":{"type":"string","pattern":"^a"}}}""", "pattern", "$.properties.name.pattern")]
    [InlineData("""{"type":"array","items":{"type":"string","minLength":2}}""", "minLength", "$.items.minLength")]
    [InlineData("""{"oneOf":[{"type":"string"}]}""", "oneOf", "$.oneOf")]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"integer","maximum":3}]}""", "maximum", "$.anyOf[1].maximum")]
    [InlineData("""{"type":"string","anyOf":[{"type":"string"}]}""", "type", "$.type")]
    [InlineData("""{"$ref":"https://example.com/schema"}""", "$ref", "$.$ref")]
    [InlineData("""{"type":"string","enum":[1,2]}""", "enum", "$.enum")]
    public void Keywords_the_engine_cannot_enforce_are_refused_with_their_path(string schema, string keyword, string path)
    {
        var error = Assert.Throws<UnsupportedSchemaException>(() => CompiledGrammar.FromJsonSchema(schema));
        Assert.Equal(keyword, error.Keyword);
        Assert.Equal(path, error.JsonPath);
    }

    [Fact]
    public void A_schema_deeper_than_the_limit_is_refused()
    {
        var schema = """{"type":"string"}""";
        for (var i = 0; i < 10; i++) schema = $$"""{"type":"array","items":{{schema}}}""";
        Assert.NotNull(CompiledGrammar.FromJsonSchema(schema));
        Assert.Throws<UnsupportedSchemaException>(() => CompiledGrammar.FromJsonSchema(schema, new GrammarLimits { MaxSchemaDepth = 5 }));
    }

    [Fact]
    public void A_schema_with_no_finite_value_is_refused()
    {
        const string endless = """{"$defs":{"a":{"type":"object","properties":{"a":{"$ref":"#/$defs/a"}},"required":["a"],"additionalProperties":false}},"$ref":"#/$defs/a"}""";
        Assert.Throws<UnsupportedSchemaException>(() => CompiledGrammar.FromJsonSchema(endless));
    }

    [Fact]
    public void The_cache_compiles_a_schema_once_whatever_its_key_order()
    {
        var cache = new GrammarCache(capacity: 2);
        var first = cache.GetOrCompile("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""");
        var reordered = cache.GetOrCompile("""{ "required": ["a"], "properties": {"a": {"type": "string"}}, "type": "object" }""");
        Assert.Same(first, reordered);
        cache.GetOrCompile("""{"type":"string"}""");
        cache.GetOrCompile("""{"type":"number"}""");
        Assert.Equal(2, cache.Count);
        Assert.NotSame(first, cache.GetOrCompile("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}"""));
    }
}
