using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Sluice.Server.Hosting;

/// <summary>
/// Masks anything shaped like a secret (Sluice API keys, webhook secrets, admin tokens, bearer credentials, and
/// secret-named JSON or form fields) in log text. Sluice never logs secrets on purpose; this is the second line of
/// defence for what a library or a careless message might include.
/// </summary>
public static partial class SecretMasker
{
    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = ApiKey().Replace(text, m => m.Groups["prefix"].Value + "_***");
        text = PrefixedToken().Replace(text, m => m.Groups["prefix"].Value + "***");
        text = Bearer().Replace(text, "${scheme} ***");
        return SecretField().Replace(text, "${name}${sep}\"***\"");
    }

    [GeneratedRegex(@"(?<prefix>sk_[a-z]+_[A-Za-z0-9]{8})_[A-Za-z0-9]{8,}")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"(?<prefix>whsec_|adm_)[A-Za-z0-9_\-]{8,}")]
    private static partial Regex PrefixedToken();

    [GeneratedRegex(@"(?<scheme>Bearer|Basic)\s+[A-Za-z0-9._~+/=\-]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"(?<name>""?(?:api_secret|apiv3_key|private_key|password|secret|webhook_secret|app_auth_token)""?)(?<sep>\s*[:=]\s*)""[^""]*""", RegexOptions.IgnoreCase)]
    private static partial Regex SecretField();
}

/// <summary>
/// Structured JSON log lines (timestamp, level, category, event id, message, state, scopes, exception) with every
/// string passed through <see cref="SecretMasker"/>.
/// </summary>
public sealed class MaskingJsonConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "sluice-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteNumber("event_id", logEntry.EventId.Id);
            json.WriteString("message", SecretMasker.Mask(message));
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> state && state.Count > 0)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in state)
                {
                    if (key != "{OriginalFormat}")
                    {
                        json.WriteString(key, SecretMasker.Mask(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                    }
                }

                json.WriteEndObject();
            }

            if (scopeProvider is not null)
            {
                var scopes = new List<string>();
                scopeProvider.ForEachScope((scope, list) => list.Add(SecretMasker.Mask(Convert.ToString(scope, System.Globalization.CultureInfo.InvariantCulture) ?? "")), scopes);
                if (scopes.Count > 0)
                {
                    json.WriteStartArray("scopes");
                    scopes.ForEach(json.WriteStringValue);
                    json.WriteEndArray();
                }
            }

            if (logEntry.Exception is not null)
            {
                json.WriteString("exception", SecretMasker.Mask(logEntry.Exception.ToString()));
            }

            json.WriteEndObject();
        }

        textWriter.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
