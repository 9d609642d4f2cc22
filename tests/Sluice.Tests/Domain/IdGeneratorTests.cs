using Microsoft.Extensions.Time.Testing;
using Sluice.Common;

namespace Sluice.Tests.Domain;

public class IdGeneratorTests
{
    [Fact]
    public void Ids_carry_their_type_and_sort_by_creation_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        var ids = new IdGenerator(clock);
        var made = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            made.Add(ids.Next("pay"));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        made.ShouldAllBe(id => id.StartsWith("pay_") && id.Length == 30);
        made.ShouldBe(made.Order(StringComparer.Ordinal).ToList());
        made.Distinct().Count().ShouldBe(50);
    }
}
