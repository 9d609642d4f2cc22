using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Server.Api;

/// <summary>The wire format of the merchant API and webhooks: snake_case, amounts as integers of minor units;
/// strict on reading: no unknown or duplicated field, no control character in a string.</summary>
public static class SluiceJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.NumberHandling = JsonNumberHandling.Strict;
        // A field the operation does not have is refused (a typo must not be silently dropped), and so is a field given
        // twice (last-one-wins would let two readers of one body see different requests).
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.AllowDuplicateProperties = false;
        o.AllowTrailingCommas = false;
        o.Converters.Add(new PlainTextStringConverter());
        return o;
    }
}
