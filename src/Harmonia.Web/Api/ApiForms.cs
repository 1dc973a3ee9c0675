using System.Net.Http.Headers;

namespace Harmonia.Web.Api;

/// <summary>Builds the multipart form of <c>POST /api/harmonize</c> and <c>POST /api/images</c> for .NET clients.</summary>
public static class ApiForms
{
    /// <summary>
    /// A form with file fields <c>composite</c> and <c>mask</c> (any readable image bytes; the server sniffs the
    /// format) and the text <paramref name="fields"/> (e.g. <c>("method", "s2crnet")</c>, <c>("strength", "0.8")</c>).
    /// </summary>
    public static MultipartFormDataContent Harmonize(byte[] composite, byte[] mask, params (string Key, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in new[] { ("composite", composite), ("mask", mask) })
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, name, name);
        }
        foreach (var (key, value) in fields) form.Add(new StringContent(value), key);
        return form;
    }
}
