namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>
/// The large vocabulary of the varied generator (issue 18): 789 common English words of 3 to 7 letters, written
/// in upper case, plus random upper-case letter strings. <b>Held out</b> (never drawn for training, drawn by the
/// out-of-distribution eval split as <c>word_unseen</c>): every tenth word of <see cref="Words"/> (indices 9, 19, 29, ...)
/// that is not one of the 40 <see cref="SceneWords"/> the classic scenes use, and every random string whose
/// <see cref="IsHeldOutString"/> hash falls in the held-out eighth. The split depends only on this file.
/// </summary>
public static class WordVocabulary
{
    private const string Text =
        "able acid aged also area army away baby back ball band bank base bath bear beat bell belt best bike bill bird " +
        "blue boat body bone book boot born boss both bowl cake call calm camp card care cart case cash cast cell chip " +
        "city clay club coal coat code cold cook cool copy corn cost crew crop dark data date deal deep desk diet dish " +
        "door down draw drop drum duck dust duty each earn east easy edge face fact farm fast fear feel fire firm fish " +
        "flag flat food foot form fort free frog fuel full game gate gift girl goal gold golf good gray grow hair half " +
        "hall hand hard head heat help hero hill hold hole home hope horn huge idea iron item jazz join jump keep kind " +
        "king kite lake lamp land lane last leaf left lift line lion list load lock long love luck mail main mark meal " +
        "meat milk mind mint moon move name navy neck nest news nice note open oven page pain pair park path peak pink " +
        "pipe plan play plus poem pond pool port post pull pure race rain ring road rock roof room rope rose safe sail " +
        "salt sand seat seed ship shoe shop side sign silk size skin snow soap sock soft song soup star step sure swim " +
        "tail tall tank team tent test time tool town tree trip tube unit vase view wall warm wave week well west wind " +
        "wing wire wise wolf wood word work yard year zero zone act add age air arm art ask bag bat bed big box boy bus " +
        "cap car cat cow cry cup day dog dry ear egg end eye fan far fig fit fly fox fun gas gem gum hat hen hot ice " +
        "ink jam jar jet job joy key kid lab leg lid lip log map mat mix mud net nut oak oil owl pan pen pet pie pig " +
        "pin pot ram rat red rib row rug run sea sky son spy sun tap tea ten tie toe top toy van war web win yes zip " +
        "about above actor admit adult after again agent alarm album alert alive allow alone angle apple april arena " +
        "argue arrow aside asset audio award badge baker basic beach begin bench berry black blade blank blend block " +
        "bloom board bonus brain brave bread brick brief bring broad brown brush build cabin cable camel candy canoe " +
        "carry catch chain chair chalk charm chart cheap check chess chief child clean clear climb clock close cloud " +
        "coach coast comet coral couch count cover craft crane cream crowd crown curve cycle daily dance delta depth " +
        "dream dress drink drive eagle early earth empty enjoy entry equal event extra faith fancy fence field final " +
        "flame flash fleet floor flour fluid focus force frame fresh front frost fruit funny ghost giant glass globe " +
        "glove grain grape grass green group guard guest guide happy heart heavy honey horse hotel house human image " +
        "input jelly jewel juice knife label laser layer lemon level light limit lucky lunch magic major mango maple " +
        "march match medal metal model money month motor mouse mouth movie music night noble noise north novel ocean " +
        "offer olive onion opera orbit order otter owner paint panel paper party peace pearl phone photo piano pilot " +
        "pizza place plain plane plant plate point power press price pride prize proof pupil quiet quick radio range " +
        "rapid ratio raven ready river robin robot round royal ruler salad scale scene score seven shade shape share " +
        "sheep shelf shell shirt skill skirt sleep slice smile smoke snake solar sound south space spark spice spoon " +
        "sport squad stage stamp steam steel stick stone storm story sugar sunny sweet table tiger toast tooth torch " +
        "tower track trade trail train truck trust uncle union value video voice watch water whale wheat wheel white " +
        "woman world yacht young zebra action animal anchor autumn banana basket beauty bottle branch bridge bright " +
        "bubble button camera candle carpet carrot castle cattle cereal cherry circle coffee copper cotton crayon " +
        "dinner doctor dragon drawer engine family farmer finger flower forest friend frozen garden ginger giraffe " +
        "guitar hammer harbor helmet insect island jacket jungle kettle kitten ladder lizard market marble meadow " +
        "mirror monkey number orange pencil pepper pillow planet pocket potato puzzle rabbit rocket saddle salmon " +
        "silver singer spider spring square stream street summer sunset ticket tomato travel turkey turtle velvet " +
        "violin wallet window winter yellow balloon blanket cabbage captain cartoon chicken compass concert cottage " +
        "crystal diamond dolphin feather fishing freedom garbage general gravity harvest history iceberg journey " +
        "kitchen lantern library machine mineral morning mustard octopus orchard pancake panther parrot peanut pelican " +
        "penguin picture pumpkin rainbow sandals science shadow station student sunrise teacher theater thunder tornado " +
        "trumpet uniform vampire village volcano weather whisper ";

    /// <summary>Every English word of the vocabulary, upper case, in this file's order.</summary>
    public static IReadOnlyList<string> Words { get; } = Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToUpperInvariant()).ToArray();

    private static readonly HashSet<string> Classic = new(SceneWords.All, StringComparer.Ordinal);

    /// <summary>The held-out English words: every tenth word (index 9, 19, ...) that the classic scenes never write.</summary>
    public static IReadOnlyList<string> HeldOutWords { get; } = Words.Where((w, i) => i % 10 == 9 && !Classic.Contains(w)).ToArray();

    private static readonly HashSet<string> HeldOutSet = new(HeldOutWords, StringComparer.Ordinal);

    /// <summary>The English words training may write: the vocabulary less the held-out words, plus the 40 classic words.</summary>
    public static IReadOnlyList<string> TrainingWords { get; } = Words.Where(w => !HeldOutSet.Contains(w)).Union(SceneWords.All).ToArray();

    /// <summary>Whether training never shows this text: a held-out English word or a held-out random string.</summary>
    public static bool IsHeldOut(string text) => HeldOutSet.Contains(text) || (!TrainingSet.Contains(text) && IsHeldOutString(text));

    private static readonly HashSet<string> TrainingSet = new(TrainingWords, StringComparer.Ordinal);

    /// <summary>The held-out eighth of random strings: FNV-1a of the letters, modulo 8, is 0 (fixed, unlike string.GetHashCode).</summary>
    public static bool IsHeldOutString(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = unchecked((hash ^ c) * 16777619u);
        return hash % 8 == 0;
    }

    /// <summary>
    /// A random upper-case string of <paramref name="minLength"/> (3 unless asked) to <paramref name="maxLength"/> (7) letters, from the held-out eighth
    /// or from the rest (never an English held-out word). Training also draws strings of one and two letters: a lone
    /// capital is the plainest lesson in what each letter looks like.
    /// </summary>
    public static string RandomString(Random random, bool heldOut, int minLength = 3, int maxLength = 7)
    {
        while (true)
        {
            var letters = new char[random.Next(minLength, maxLength + 1)];
            for (var i = 0; i < letters.Length; i++) letters[i] = (char)('A' + random.Next(26));
            var text = new string(letters);
            if (TrainingSet.Contains(text) || HeldOutSet.Contains(text)) continue;   // an English word is drawn as one
            if (IsHeldOutString(text) == heldOut) return text;
        }
    }
}
