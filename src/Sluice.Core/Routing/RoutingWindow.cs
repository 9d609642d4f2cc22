namespace Sluice.Routing;

/// <summary>
/// A maintenance window, compiled for routing: one-off (two instants) or recurring (days of the week and a local time
/// range in a time zone, possibly crossing midnight: 23:30-00:30 covers the half hour before and after midnight).
/// Local times come from the time zone's own rules, so daylight-saving changes are followed.
/// </summary>
public readonly struct RoutingWindow
{
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _end;
    private readonly TimeZoneInfo? _zone;
    private readonly int _startMinute;
    private readonly int _endMinute;
    private readonly byte _days;

    private RoutingWindow(DateTimeOffset start, DateTimeOffset end, TimeZoneInfo? zone, int startMinute, int endMinute, byte days)
    {
        _start = start;
        _end = end;
        _zone = zone;
        _startMinute = startMinute;
        _endMinute = endMinute;
        _days = days;
    }

    public static RoutingWindow OneOff(DateTimeOffset start, DateTimeOffset end) =>
        end > start ? new(start, end, null, 0, 0, 0) : throw new ArgumentException("A window must end after it starts.");

    /// <summary>A window on the given days (empty: every day), from <paramref name="start"/> to <paramref name="end"/> local time.</summary>
    public static RoutingWindow Recurring(TimeZoneInfo zone, TimeOnly start, TimeOnly end, params DayOfWeek[] days)
    {
        if (start == end)
        {
            throw new ArgumentException("A recurring window needs a non-empty time range.");
        }

        byte mask = 0;
        foreach (var d in days.Length == 0 ? Enum.GetValues<DayOfWeek>() : days)
        {
            mask |= (byte)(1 << (int)d);
        }

        return new(default, default, zone, start.Hour * 60 + start.Minute, end.Hour * 60 + end.Minute, mask);
    }

    public bool IsRecurring => _zone is not null;

    /// <summary>True when the window covers <paramref name="instant"/>.</summary>
    public bool IsActiveAt(DateTimeOffset instant)
    {
        if (_zone is null)
        {
            return instant >= _start && instant < _end;
        }

        var local = TimeZoneInfo.ConvertTime(instant, _zone);
        return CoversLocal(local.DayOfWeek, local.Hour * 60 + local.Minute);
    }

    internal bool CoversLocal(DayOfWeek day, int minuteOfDay)
    {
        if (_startMinute < _endMinute)
        {
            return On(day) && minuteOfDay >= _startMinute && minuteOfDay < _endMinute;
        }

        // Crosses midnight: the evening part belongs to its own day, the morning part to the day before.
        var previous = day == DayOfWeek.Sunday ? DayOfWeek.Saturday : day - 1;
        return (On(day) && minuteOfDay >= _startMinute) || (On(previous) && minuteOfDay < _endMinute);
    }

    internal TimeZoneInfo? Zone => _zone;

    private bool On(DayOfWeek day) => (_days & (1 << (int)day)) != 0;

    public override string ToString() => _zone is null
        ? $"one-off {_start:O} to {_end:O}"
        : $"recurring {_startMinute / 60:D2}:{_startMinute % 60:D2}-{_endMinute / 60:D2}:{_endMinute % 60:D2} {_zone.Id}";
}
