using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Errors;

namespace Sluice.Server.Api;

/// <summary>Body of an operator action that takes a note (close a refund offline, note on a refund, cancel a withdrawal).</summary>
public sealed record OperatorNoteRequest(string? Note);

public static class OperatorNotes
{
    /// <summary>An operator's note on an action: required, at most 2048 characters.</summary>
    public static ProblemHttpResult? Validate(string? note) =>
        string.IsNullOrWhiteSpace(note) ? Problems.Validation(UnifiedCode.MissingField, "note", "Say what was done and why (note).")
        : note.Length > 2048 ? Problems.Validation(UnifiedCode.InvalidField, "note", "note must be at most 2048 characters.")
        : null;
}
