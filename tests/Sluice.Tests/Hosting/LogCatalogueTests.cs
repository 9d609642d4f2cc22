using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Sluice.Tests.Hosting;

/// <summary>
/// Each project that logs keeps its messages in one catalogue (an internal static class <c>Log</c> at the project's root
/// namespace) with an explicit event id per message, so operators can alert on an id that keeps its meaning.
/// </summary>
public sealed class LogCatalogueTests
{
    /// <summary>The projects that log.</summary>
    public static TheoryData<string> Projects => ["Sluice.Server", "Sluice.Demo", "Sluice.Simulator"];

    private static readonly Dictionary<string, Assembly> Assemblies = new()
    {
        ["Sluice.Server"] = typeof(Sluice.Server.Hosting.NodeRoles).Assembly,
        ["Sluice.Demo"] = typeof(Sluice.Demo.SluiceDemo).Assembly,
        ["Sluice.Simulator"] = typeof(Sluice.Simulator.SimulatorApp).Assembly,
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_message_of_a_project_is_in_its_catalogue_with_an_explicit_event_id_of_its_own(string project)
    {
        var catalogue = Assemblies[project].GetType(project + ".Log");
        catalogue.ShouldNotBeNull($"{project} keeps its log messages in {project}.Log");
        var messages = Messages(catalogue).ToList();
        messages.ShouldNotBeEmpty();

        messages.Where(m => m.Attribute.EventId <= 0).Select(m => m.Name).ShouldBeEmpty("messages without an explicit event id");
        messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}")
            .ShouldBeEmpty($"event ids used twice in {project}.Log");

        var elsewhere = Assemblies[project].GetTypes().Where(t => t != catalogue)
            .SelectMany(t => Messages(t).Select(m => $"{t.FullName}.{m.Name}"));
        elsewhere.ShouldBeEmpty($"log messages of {project} declared outside {project}.Log");
    }

    [Fact]
    public void No_event_id_is_used_by_two_projects()
    {
        var shared = Assemblies
            .SelectMany(p => Messages(p.Value.GetType(p.Key + ".Log")!).Select(m => (Project: p.Key, m.Attribute.EventId)))
            .GroupBy(m => m.EventId)
            .Where(g => g.Select(m => m.Project).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Project))}");

        shared.ShouldBeEmpty("each project logs in its own range of event ids");
    }

    private static IEnumerable<(string Name, LoggerMessageAttribute Attribute)> Messages(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => (m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Name, m.Attribute!));
}
