using System.Text;
using FlorenceVL.Engine.Constrained;
using static FlorenceVL.Engine.Tests.Constrained.ConstrainedDriver;

namespace FlorenceVL.Engine.Tests.Constrained;

/// <summary>Hand-written documents against hand-written schemas, spelled byte by byte.</summary>
public sealed class ConstrainedMatcherTests
{
    private const string Person = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2}},
         "required":["name","age"],"additionalProperties":false}
        """;

    private static GrammarMatcher Matcher(string schema) =>
        CompiledGrammar.FromJsonSchema(schema).CreateMatcher(ConstrainedTestVocabularies.Bytes());

    [Theory]
    [InlineData("""{"name":"Zoë 日本","age":-3}""")]
    [InlineData("""{ "name": "a\"\u00e9\n", "age": 0, "tags": ["a","b"] }""")]
    [InlineData(""" {"name":"","age":12,"tags":[]}""")]
    public void Documents_that_satisfy_the_schema_are_accepted_and_may_end(string document)
    {
        var matcher = Matcher(Person);
        Assert.True(AcceptText(matcher, document));
        Assert.True(matcher.IsAccepting);
        Assert.True(matcher.Accept(ConstrainedTestVocabularies.ByteEos));
        Assert.True(matcher.IsFinished);
    }

    [Theory]
    [InlineData("""{"age":3}""")]                          // required name missing
    [InlineData("""{"name":"x","age":3.5}""")]             // integer with a fraction
    [InlineData("""{"name":"x","age":3,"extra":1}""")]     // additionalProperties: false
    [InlineData("""{"name":"x","age":3,"tags":["c"]}""")]  // not in the enum
    [InlineData("""{"name":"x","age":3,"tags":["a","a","b"]}""")] // maxItems
    [InlineData("""{"name":"x","age":03}""")]              // leading zero
    [InlineData("""{"name":"x","age":3,}""")]              // trailing comma
    [InlineData("""{"name":"x",  "age":3}""")]             // two spaces
    [InlineData("{\"name\":\"x\",\n\"age\":3}")]           // newline
    [InlineData("{\"name\":\"a\tb\",\"age\":3}")]          // raw control character in a string
    [InlineData("""{"name":"\ud800","age":3}""")]          // lone surrogate escape
    public void Documents_that_break_the_schema_are_refused_before_they_end(string document)
    {
        var matcher = Matcher(Person);
        Assert.False(AcceptText(matcher, document) && matcher.IsAccepting);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_refused()
    {
        var matcher = Matcher("""{"type":"string"}""");
        Assert.True(AcceptText(matcher, "\"a"));
        Assert.False(matcher.Accept(0xC0));   // overlong lead byte
        Assert.True(matcher.Accept(0xE6));    // first byte of 日
        Assert.False(matcher.Accept((byte)'"')); // the character is unfinished
        Assert.True(matcher.Accept(0x97));
        Assert.True(matcher.Accept(0xA5));
        Assert.True(matcher.Accept((byte)'"'));
        Assert.True(matcher.IsAccepting);
    }

    [Fact]
    public void Eos_is_allowed_only_where_the_document_is_complete()
    {
        var matcher = Matcher("""{"type":"number"}""");
        Assert.False(matcher.IsAllowed(ConstrainedTestVocabularies.ByteEos));
        Assert.True(AcceptText(matcher, "-1.5e"));
        Assert.DoesNotContain(ConstrainedTestVocabularies.ByteEos, AllowedIds(matcher.ComputeMask()));
        Assert.False(matcher.Accept(ConstrainedTestVocabularies.ByteEos));
        Assert.True(AcceptText(matcher, "7"));
        Assert.Contains(ConstrainedTestVocabularies.ByteEos, AllowedIds(matcher.ComputeMask()));
    }

    [Fact]
    public void The_mask_allows_exactly_the_tokens_that_Accept_takes()
    {
        var matcher = Matcher(Person);
        Assert.True(AcceptText(matcher, """{"name":"x","""));
        // After the comma only the key "age" may start (tags cannot come before it): a space or a lone quote;
        // the multi-byte tokens '{"', '":' and '","' all break the key.
        Assert.Equal([' ', '"'], AllowedIds(matcher.ComputeMask()));
    }

    [Fact]
    public void Recursive_refs_are_followed()
    {
        const string tree = """
            {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},
             "required":["v","kids"],"additionalProperties":false}},"$ref":"#/$defs/node"}
            """;
        var matcher = Matcher(tree);
        Assert.True(AcceptText(matcher, """{"v":1,"kids":[{"v":2,"kids":[]},{"v":3,"kids":[{"v":4,"kids":[]}]}]}"""));
        Assert.True(matcher.IsAccepting);
        Assert.False(AcceptText(Matcher(tree), """{"v":1,"kids":[{"v":2}]}"""));
    }

    [Fact]
    public void Clone_and_roll_back_restore_earlier_positions()
    {
        var vocabulary = ConstrainedTestVocabularies.Bytes();
        var matcher = CompiledGrammar.FromJsonSchema("""{"enum":["yes","no"]}""").CreateMatcher(vocabulary);
        Assert.True(matcher.Accept('"'));
        var fork = matcher.Clone();
        Assert.True(AcceptText(matcher, "yes\""));
        Assert.False(fork.Accept('y') && fork.Accept('e') && fork.Accept('e'));
        Assert.True(AcceptText(Matcher("""{"enum":["yes","no"]}"""), "\"no\""));
        Assert.True(matcher.IsAccepting);
        matcher.RollBack(3);
        Assert.Equal(2, matcher.NumAcceptedTokens);
        Assert.False(matcher.IsAccepting);
        Assert.False(matcher.Accept('x'));
        Assert.True(AcceptText(matcher, "es\""));
        Assert.True(matcher.IsAccepting);
    }

    [Fact]
    public void A_multibyte_character_split_across_tokens_is_accepted()
    {
        // "é" is C3 A9: the byte tokens 0xC3 then 0xA9, as byte-level BPE often splits it.
        var matcher = Matcher("""{"const":"é"}""");
        Assert.True(matcher.Accept('"'));
        Assert.True(matcher.Accept(0xC3));
        Assert.True(matcher.Accept(0xA9));
        Assert.True(matcher.Accept('"'));
        Assert.True(matcher.IsAccepting);
        Assert.Equal("é"u8.ToArray(), matcher.Vocabulary.TextBytes(262).ToArray());
    }
}
