namespace Sluice.Common;

/// <summary>
/// The one rule for text that comes from outside (merchant and admin request fields, query parameters, channel
/// notices): no control character and no lone UTF-16 surrogate. PostgreSQL refuses NUL in text (22021) and invalid
/// UTF-16 cannot be encoded, so such text is refused at the edge, before anything is written. Tab, line feed and carriage
/// return are allowed where <c>allowLineBreaks</c> says so (a PEM key, a note), never in a query parameter or path.
/// </summary>
public static class PlainText
{
    /// <summary>The index of the first character the rule refuses, or -1.</summary>
    public static int IndexOfForbidden(ReadOnlySpan<char> text, bool allowLineBreaks = true)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }

            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return i;
            }
        }

        return -1;
    }

    public static bool IsAllowed(ReadOnlySpan<char> text, bool allowLineBreaks = true) => IndexOfForbidden(text, allowLineBreaks) < 0;

    /// <summary>Describes the refused character for a problem's detail, e.g. <c>U+0000</c>.</summary>
    public static string Describe(ReadOnlySpan<char> text, bool allowLineBreaks = true) =>
        IndexOfForbidden(text, allowLineBreaks) is var i and >= 0 ? $"U+{(int)text[i]:X4} at position {i}" : "";

    /// <summary>The text with every refused character replaced by U+FFFD, for logging what was refused.</summary>
    public static string Scrub(string text, bool allowLineBreaks = true)
    {
        if (IsAllowed(text, allowLineBreaks))
        {
            return text;
        }

        var chars = text.ToCharArray();
        int i;
        while ((i = IndexOfForbidden(chars, allowLineBreaks)) >= 0)
        {
            chars[i] = '\uFFFD';
        }

        return new string(chars);
    }
}
