using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Web.Hosting;
using Microsoft.AspNetCore.Http;

namespace Harmonia.Web.Api;

/// <summary>
/// Reads the multipart forms of the API with the server's limits: the body size from Content-Length before
/// reading and again while reading; each image's format sniffed from its bytes and its pixel count read from the
/// header before any pixel is decoded. File names sent by the client are never used.
/// </summary>
public sealed class Uploads(ServerOptions options)
{
    /// <summary>Reads the request's form, refusing bodies over the limit and content that is not a form.</summary>
    public async Task<IFormCollection> ReadFormAsync(HttpRequest request)
    {
        if (request.ContentLength > options.MaxUploadBytes)
            throw new ApiException(413, $"The upload is {request.ContentLength / 1e6:F1} MB; the server accepts at most {options.MaxUploadBytes / 1e6:F1} MB.");
        if (!request.HasFormContentType)
            throw new ApiException(415, "Send the images as multipart/form-data (fields 'composite' and 'mask').");
        return await request.ReadFormAsync(request.HttpContext.RequestAborted);
    }

    /// <summary>The bytes of file field <paramref name="field"/>, or a 400 naming the missing field.</summary>
    public static byte[] FileBytes(IFormCollection form, string field)
    {
        var file = form.Files.GetFile(field) ?? throw new ApiException(400, $"The form has no file field '{field}'.");
        using var stream = file.OpenReadStream();
        using var copy = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Checks an image's header against the pixel limit and returns it.</summary>
    public ImageHeader Check(byte[] bytes, string field)
    {
        var header = ImageHeader.Probe(bytes, field);
        if (header.PixelCount > options.MaxPixels)
            throw new ApiException(413, $"'{field}' is {header.Width}x{header.Height} ({header.PixelCount:N0} pixels); the server accepts at most {options.MaxPixels:N0} pixels.");
        return header;
    }

    /// <summary>
    /// The composite and mask of the form (fields <c>composite</c>, <c>mask</c>), checked (format, pixel limit,
    /// equal sizes) before decoding, then decoded. <paramref name="threshold"/> is the mask's binary threshold.
    /// </summary>
    public (RgbImage Composite, Mask Mask) ReadPair(IFormCollection form, float threshold = Mask.DefaultThreshold)
    {
        var compositeBytes = FileBytes(form, "composite");
        var maskBytes = FileBytes(form, "mask");
        var c = Check(compositeBytes, "composite");
        var m = Check(maskBytes, "mask");
        if (c.Width != m.Width || c.Height != m.Height)
            throw new HarmoniaException($"The mask is {m.Width}x{m.Height} but the composite is {c.Width}x{c.Height}.");
        var composite = ImageCodec.Decode(compositeBytes, "composite");
        var mask = ImageCodec.DecodeMask(maskBytes, "mask", threshold);
        // EXIF orientation can turn one of them: compare the decoded sizes too.
        if (composite.Width != mask.Width || composite.Height != mask.Height)
            throw new HarmoniaException($"The mask is {mask.Width}x{mask.Height} upright but the composite is {composite.Width}x{composite.Height}.");
        return (composite, mask);
    }

    /// <summary>The content type of image bytes from their magic bytes (octet-stream when unknown).</summary>
    public static string ContentTypeOf(byte[] bytes) => ImageHeader.Sniff(bytes) switch
    {
        ImageFileFormat.Png => "image/png",
        ImageFileFormat.Jpeg => "image/jpeg",
        ImageFileFormat.Webp => "image/webp",
        ImageFileFormat.Gif => "image/gif",
        ImageFileFormat.Bmp => "image/bmp",
        _ => "application/octet-stream",
    };
}
