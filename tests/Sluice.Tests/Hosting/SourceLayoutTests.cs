namespace Sluice.Tests.Hosting;

/// <summary>The layout rules of the source tree that a reviewer would otherwise have to check by eye.</summary>
public class SourceLayoutTests
{
    /// <summary>A hand-written file longer than this is split by concern.</summary>
    private const int MaxLines = 400;

    [Fact]
    public void No_hand_written_source_file_is_longer_than_400_lines()
    {
        var src = Path.Combine(RepositoryRoot(), "src");

        var tooLong = HandWrittenSources(src)
            .Select(path => (Path: Path.GetRelativePath(src, path).Replace('\\', '/'), Lines: File.ReadLines(path).Count()))
            .Where(file => file.Lines > MaxLines)
            .OrderByDescending(file => file.Lines)
            .Select(file => $"src/{file.Path}: {file.Lines} lines")
            .ToList();

        tooLong.ShouldBeEmpty($"files over {MaxLines} lines: split them by concern");
    }

    /// <summary>Every .cs file below <paramref name="src"/> but build output and generated EF Core migrations.</summary>
    private static IEnumerable<string> HandWrittenSources(string src) =>
        Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(src, path).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "Migrations"));

    /// <summary>The folder holding Sluice.slnx, found upwards from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sluice.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Sluice.slnx above {AppContext.BaseDirectory}.");
    }
}
