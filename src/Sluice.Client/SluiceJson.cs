using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Client;

/// <summary>The gateway's wire format: snake_case names, integer minor units, absent rather than null optional fields.</summary>
internal static class SluiceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
