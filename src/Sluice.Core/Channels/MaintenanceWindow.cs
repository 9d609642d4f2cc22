namespace Sluice.Channels;

public enum MaintenanceWindowKind
{
    /// <summary>From one instant to another.</summary>
    OneOff,

    /// <summary>Every day between two local wall-clock times in a time zone.</summary>
    Daily,

    /// <summary>On chosen days of the week between two local wall-clock times in a time zone.</summary>
    Weekly,
}

/// <summary>
/// A time a channel takes no orders. A recurring window is read on the local wall clock of its IANA time zone: it is
/// active when the local time of day is in [start, end), and when end is before start it runs past midnight into the
/// next day (23:30-00:30). On a day of a daylight-saving change the wall clock decides: local times that do not exist
/// are skipped (01:30-02:30 on a spring-forward day at 02:00 is active 01:30-02:00 then 03:00 is past the end), and
/// local times that happen twice are active both times.
/// </summary>
public sealed class MaintenanceWindow
{
    public required string Id { get; init; }
    public required string ChannelCode { get; init; }
    public MaintenanceWindowKind Kind { get; init; }

    /// <summary>One-off windows: the first instant in the window.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>One-off windows: the first instant after the window.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Recurring windows: local start time of day.</summary>
    public TimeOnly? LocalStart { get; init; }

    /// <summary>Recurring windows: local end time of day (exclusive); before <see cref="LocalStart"/> when it crosses midnight.</summary>
    public TimeOnly? LocalEnd { get; init; }

    /// <summary>Weekly windows: bit (1 &lt;&lt; (int)DayOfWeek) for each day the window starts on.</summary>
    public int DaysOfWeekMask { get; init; }

    /// <summary>Recurring windows: IANA time zone id, for example Asia/Shanghai.</summary>
    public string? TimeZoneId { get; init; }

    public string? Reason { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    private TimeZoneInfo? _zone;

    /// <summary>The time zone of a recurring window, resolved once.</summary>
    public TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId ?? "UTC");

    /// <summary>True when the window covers <paramref name="instant"/>. Allocation-free after the first call.</summary>
    public bool IsActiveAt(DateTimeOffset instant)
    {
        if (Kind == MaintenanceWindowKind.OneOff)
        {
            return StartsAt is { } s && EndsAt is { } e && instant >= s && instant < e;
        }

        return CoversLocal(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
    }

    public bool IsRecurring => Kind != MaintenanceWindowKind.OneOff;

    /// <summary>
    /// For a recurring window: true when it covers the wall-clock time <paramref name="local"/> of its own time zone
    /// (callers that check many windows of one zone convert the instant once).
    /// </summary>
    public bool CoversLocal(DateTime local)
    {
        if (LocalStart is not { } start || LocalEnd is not { } end)
        {
            return false;
        }

        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var day = local.DayOfWeek;
        if (start < end)
        {
            return time >= start && time < end && StartsOn(day);
        }

        // Crosses midnight: the evening part belongs to today's window, the morning part to yesterday's.
        if (time >= start)
        {
            return StartsOn(day);
        }

        return time < end && StartsOn(day == DayOfWeek.Sunday ? DayOfWeek.Saturday : day - 1);
    }

    private bool StartsOn(DayOfWeek day) => Kind == MaintenanceWindowKind.Daily || (DaysOfWeekMask & (1 << (int)day)) != 0;

    public static int MaskOf(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (m, d) => m | (1 << (int)d));
}
