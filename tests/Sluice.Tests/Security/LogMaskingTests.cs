using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Server.Hosting;

namespace Sluice.Tests.Security;

public class LogMaskingTests
{
    [Theory]
    [InlineData("key sk_live_AB12CD34_x9Yz8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf9Ed8Cb7Aa6Zz5", "sk_live_AB12CD34_***", "x9Yz8Wv7Ut6")]
    [InlineData("secret whsec_abcdefghijklmnopqrstuvwx12345", "whsec_***", "abcdefghijkl")]
    [InlineData("token adm_0123456789abcdefghij", "adm_***", "0123456789ab")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "Bearer ***", "eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("{\"merchant_no\":\"SBX1\",\"api_secret\":\"hunter2hunter2\"}", "\"api_secret\":\"***\"", "hunter2")]
    public void Secret_shaped_text_is_masked_and_the_rest_kept(string input, string expected, string leaked)
    {
        var masked = SecretMasker.Mask(input);

        masked.ShouldContain(expected);
        masked.ShouldNotContain(leaked);
    }

    [Fact]
    public void The_console_formatter_writes_one_masked_json_line_per_entry()
    {
        var formatter = new MaskingJsonConsoleFormatter();
        using var output = new StringWriter();
        var state = new[] { new KeyValuePair<string, object?>("Key", "sk_test_AB12CD34_verysecretpartverysecretpart"), new KeyValuePair<string, object?>("{OriginalFormat}", "Saw {Key}") };
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(
            LogLevel.Warning, "Sluice.Test", new EventId(7), state, null, (_, _) => "Saw sk_test_AB12CD34_verysecretpartverysecretpart");

        formatter.Write(entry, null, output);

        var line = output.ToString().Trim();
        line.ShouldNotContain("verysecretpart");
        var json = System.Text.Json.JsonDocument.Parse(line).RootElement;
        json.GetProperty("level").GetString().ShouldBe("Warning");
        json.GetProperty("category").GetString().ShouldBe("Sluice.Test");
        json.GetProperty("message").GetString().ShouldBe("Saw sk_test_AB12CD34_***");
        json.GetProperty("state").GetProperty("Key").GetString().ShouldBe("sk_test_AB12CD34_***");
    }
}
