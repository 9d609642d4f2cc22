using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Server.Api;

/// <summary>The wire format of the merchant API and webhooks: snake_case, amounts as integers of minor units.</summary>
public static class SluiceJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        o.AllowTrailingCommas = false;
        return o;
    }
}
