namespace Sluice.Server.ResultCodes;

/// <summary>Which language result messages go out in: Simplified Chinese when the request prefers <c>zh</c>, else English.</summary>
public static class MessageLanguage
{
    /// <summary>True when the Accept-Language entry with the highest quality (the first among equals) is a Chinese one.</summary>
    public static bool PrefersChinese(HttpRequest request)
    {
        var preferred = request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Value.HasValue && l.Value.Value != "*" && (l.Quality ?? 1) > 0)
            .OrderByDescending(l => l.Quality ?? 1)
            .FirstOrDefault();
        return preferred is not null
            && (preferred.Value.Equals("zh", StringComparison.OrdinalIgnoreCase) || preferred.Value.StartsWith("zh-", StringComparison.OrdinalIgnoreCase));
    }
}
