using System.Runtime.InteropServices;
using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>
/// An encoded image whose header has been read and checked but whose pixels are not decoded yet: the size is known
/// (upright, after EXIF orientation) and within <see cref="ImageLimits"/> before any pixel buffer exists. Pixels are
/// then decoded a few rows at a time and placed upright as they arrive, so decoding needs the output buffer plus a
/// few rows (formats without row decoding, GIF and WebP, decode once into a checked full-size buffer).
/// </summary>
internal sealed class EncodedImage : IDisposable
{
    const int RowsPerBatch = 16;

    readonly SKData data;
    readonly SKCodec codec;

    /// <summary>The file name used in messages.</summary>
    public string Name { get; }

    /// <summary>Where stored rows land upright; also the upright size.</summary>
    public Orientation Placement { get; }

    /// <summary>Upright width.</summary>
    public int Width => Placement.Width;

    /// <summary>Upright height.</summary>
    public int Height => Placement.Height;

    /// <summary>Whether the format may carry transparency (PNG with alpha, WebP, GIF, BMP with alpha...).</summary>
    public bool MayHaveAlpha => codec.Info.AlphaType != SKAlphaType.Opaque;

    EncodedImage(SKData data, SKCodec codec, string name, ImageLimits limits)
    {
        this.data = data;
        this.codec = codec;
        Name = name;
        var info = codec.Info;
        limits.Check(info.Width, info.Height, name);
        var origin = codec.EncodedOrigin;
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && origin is SKEncodedOrigin.TopLeft or 0)
            origin = PngExif.Orientation(data.AsSpan());
        Placement = Orientation.Of(origin, info.Width, info.Height);
    }

    /// <summary>Opens a file: checks it is a regular non-empty file, reads it (bounded), parses and checks the header.</summary>
    public static EncodedImage Open(string path, ImageLimits limits)
    {
        long length = InputFile.Check(path, ImageLimits.MaxFileBytes);
        SKData? data;
        using (var stream = InputFile.Open(path))
        {
            try { data = SKData.Create(stream, length); }
            catch (IOException e) { throw new HarmoniaException($"Cannot read '{path}': {e.Message}"); }
        }
        if (data is null) throw new HarmoniaException($"Cannot read '{path}': the file could not be read whole.");
        return FromData(data, path, limits);
    }

    /// <summary>Parses in-memory bytes.</summary>
    public static EncodedImage FromBytes(ReadOnlySpan<byte> bytes, string name, ImageLimits limits)
    {
        if (bytes.Length == 0) throw new HarmoniaException($"Cannot read '{name}': the file is empty.");
        return FromData(SKData.CreateCopy(bytes), name, limits);
    }

    static EncodedImage FromData(SKData data, string name, ImageLimits limits)
    {
        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            data.Dispose();
            throw new HarmoniaException($"Cannot read '{name}': not a supported image (JPEG, PNG, WebP, BMP or GIF).");
        }
        try
        {
            return new EncodedImage(data, codec, name, limits);
        }
        catch
        {
            codec.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>Receives one stored row of unpremultiplied RGBA and where its pixels go upright (see <see cref="Orientation.Row"/>).</summary>
    public delegate void RowSink(ReadOnlySpan<byte> rgba, int start, int step);

    /// <summary>Decodes every stored row into <paramref name="sink"/>; corrupt or truncated data is a user-facing error.</summary>
    public void DecodeRows(RowSink sink)
    {
        int w = Placement.StoredWidth, h = Placement.StoredHeight;
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        int rowBytes = checked(w * 4);
        if (codec.StartScanlineDecode(info) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
        {
            var batch = GC.AllocateUninitializedArray<byte>(checked(rowBytes * Math.Min(RowsPerBatch, h)), pinned: true);
            var address = Marshal.UnsafeAddrOfPinnedArrayElement(batch, 0);
            for (int y = 0; y < h; y += RowsPerBatch)
            {
                int n = Math.Min(RowsPerBatch, h - y);
                if (codec.GetScanlines(address, n, rowBytes) != n) throw Corrupt(SKCodecResult.IncompleteInput);
                for (int k = 0; k < n; k++)
                {
                    var (start, step) = Placement.Row(y + k);
                    sink(batch.AsSpan(k * rowBytes, rowBytes), start, step);
                }
            }
            return;
        }
        long total = (long)rowBytes * h;
        if (total > Array.MaxLength) throw new HarmoniaException($"Cannot read '{Name}': {w}x{h} is too large to decode in this format.");
        var all = GC.AllocateUninitializedArray<byte>((int)total, pinned: true);
        var result = codec.GetPixels(info, Marshal.UnsafeAddrOfPinnedArrayElement(all, 0));
        if (result != SKCodecResult.Success) throw Corrupt(result);
        for (int y = 0; y < h; y++)
        {
            var (start, step) = Placement.Row(y);
            sink(all.AsSpan(y * rowBytes, rowBytes), start, step);
        }
    }

    /// <summary>
    /// For images Skia cannot decode in row batches (PNG in SkiaSharp 3) and that need no reorientation: decodes the
    /// whole RGBA image straight into the memory of <paramref name="destination"/> (W·H·4 bytes, e.g. the float mask
    /// being filled, converted in place afterwards) and returns true, so no separate full-size RGBA buffer is held.
    /// False otherwise: use <see cref="DecodeRows"/>.
    /// </summary>
    internal bool TryDecodeWholeInto(float[] destination)
    {
        if (Placement.Origin != SKEncodedOrigin.TopLeft || destination.Length != (long)Width * Height) return false;
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (codec.StartScanlineDecode(info) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown) return false;
        var handle = GCHandle.Alloc(destination, GCHandleType.Pinned);
        try
        {
            var result = codec.GetPixels(info, handle.AddrOfPinnedObject());
            if (result != SKCodecResult.Success) throw Corrupt(result);
        }
        finally
        {
            handle.Free();
        }
        return true;
    }

    HarmoniaException Corrupt(SKCodecResult result) =>
        new($"Cannot read '{Name}': the image data is corrupt or truncated ({result}).");

    /// <inheritdoc />
    public void Dispose()
    {
        codec.Dispose();
        data.Dispose();
    }
}
