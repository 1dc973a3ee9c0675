namespace Harmonia.Web.Api;

/// <summary>An HTTP failure with its status code and a one-line message for the person using the API.</summary>
public sealed class ApiException(int statusCode, string message) : Exception(message)
{
    /// <summary>The HTTP status code to answer with.</summary>
    public int StatusCode { get; } = statusCode;
}

/// <summary>The JSON body of every error: <c>{"error": "one readable line"}</c>.</summary>
/// <param name="Error">What went wrong and, where it helps, what to do.</param>
public sealed record ApiError(string Error);
