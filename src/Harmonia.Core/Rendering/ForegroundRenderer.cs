using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Harmonia.Core.Imaging;
using Harmonia.Core.Parallelism;

namespace Harmonia.Core.Rendering;

/// <summary>
/// The one full-resolution renderer: <c>out = f(c)·m + c·(1 − m)</c> for any <see cref="IForegroundMap"/> f. Rows run
/// in parallel (<see cref="ParallelRows"/>); in each row f is asked only for runs of pixels whose alpha is above 0,
/// into per-worker scratch, and blended straight into the destination; pixels with alpha exactly 0 keep the
/// composite's bytes (copied, or left alone when rendering in place). No full-size intermediate image is made.
/// </summary>
public static class ForegroundRenderer
{
    /// <summary>Renders <paramref name="map"/> under <paramref name="mask"/> into a new image.</summary>
    /// <param name="composite">W x H RGB.</param>
    /// <param name="mask">W x H soft alpha.</param>
    /// <param name="map">The foreground colour map.</param>
    public static RgbImage Render(RgbImage composite, Mask mask, IForegroundMap map)
    {
        var output = new RgbImage(composite.Width, composite.Height);
        Render(composite, mask, map, output);
        return output;
    }

    /// <summary>
    /// Renders into a caller-owned W x H buffer (reuse it on hot paths). <paramref name="destination"/> may be
    /// <paramref name="composite"/> itself: the image is then rendered in place and background bytes are not touched.
    /// </summary>
    public static void Render(RgbImage composite, Mask mask, IForegroundMap map, RgbImage destination)
    {
        if (mask.Width != composite.Width || mask.Height != composite.Height)
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height} but the composite is {composite.Width}x{composite.Height}.");
        if (destination.Width != composite.Width || destination.Height != composite.Height)
            throw new ArgumentException("Destination size differs from the composite's.");
        var rows = map.ForImage(composite.Width, composite.Height);
        ParallelRows.For<RenderRow, byte>(composite.Height, composite.Width, new RenderRow(composite, mask, destination, rows));
    }

    /// <summary>Renders a colour transform (e.g. a <see cref="ChannelLut"/>) into a new image.</summary>
    public static RgbImage Render(RgbImage composite, Mask mask, IColorTransform transform) =>
        Render(composite, mask, new ColorTransformMap(transform));

    /// <summary>Renders a colour transform into a caller-owned buffer (may be the composite).</summary>
    public static void Render(RgbImage composite, Mask mask, IColorTransform transform, RgbImage destination) =>
        Render(composite, mask, new ColorTransformMap(transform), destination);

    /// <summary>
    /// Blends a foreground image of the composite's size (e.g. a synthetic perturbation) over the composite with the
    /// soft mask, as <see cref="ImageForegroundMap"/>.
    /// </summary>
    public static RgbImage Blend(RgbImage composite, RgbImage foreground, Mask mask) =>
        Render(composite, mask, new ImageForegroundMap(foreground));

    readonly struct RenderRow(RgbImage composite, Mask mask, RgbImage destination, IForegroundRows rows) : IRowOperation<byte>
    {
        readonly bool inPlace = ReferenceEquals(composite.Pixels, destination.Pixels);
        readonly int scratchFloats = rows.ScratchLength;

        public int BufferLength => composite.Stride + 4 * scratchFloats;

        // Fully optimized from the first call (so is BlendRun): one render per process is the common case.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int y, Span<byte> buffer)
        {
            int w = composite.Width;
            var src = composite.Row(y);
            var dst = destination.Row(y);
            var alpha = mask.Alpha.AsSpan(y * w, w);
            var foreground = buffer[..composite.Stride];
            var scratch = MemoryMarshal.Cast<byte, float>(buffer.Slice(composite.Stride, 4 * scratchFloats));
            bool begun = false;
            int x = 0;
            while (x < w)
            {
                int gap = x;
                while (x < w && alpha[x] <= 0f) x++;
                if (!inPlace && x > gap) src.Slice(gap * 3, (x - gap) * 3).CopyTo(dst.Slice(gap * 3, (x - gap) * 3));
                int start = x;
                while (x < w && alpha[x] > 0f) x++;
                int length = x - start;
                if (length == 0) break;
                if (!begun)
                {
                    rows.BeginRow(y, scratch);
                    begun = true;
                }
                var runSource = src.Slice(start * 3, length * 3);
                var runForeground = foreground[..(length * 3)];
                rows.Map(y, start, runSource, runForeground, scratch);
                BlendRun(runSource, runForeground, alpha.Slice(start, length), dst.Slice(start * 3, length * 3));
            }
        }
    }

    /// <summary>
    /// dst = round(fg·a + src·(1 − a)) per channel; a = 1 takes fg as is (opaque stretches, most of a foreground, are
    /// one block copy). dst may be src.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void BlendRun(ReadOnlySpan<byte> src, ReadOnlySpan<byte> fg, ReadOnlySpan<float> alpha, Span<byte> dst)
    {
        for (int i = 0; i < alpha.Length; i++)
        {
            float a = alpha[i];
            int o = i * 3;
            if (a >= 1f)
            {
                int end = i + 1;
                while (end < alpha.Length && alpha[end] >= 1f) end++;
                fg.Slice(o, 3 * (end - i)).CopyTo(dst.Slice(o, 3 * (end - i)));
                i = end - 1;
            }
            else
            {
                float b = 1f - a;
                dst[o] = (byte)(fg[o] * a + src[o] * b + 0.5f);
                dst[o + 1] = (byte)(fg[o + 1] * a + src[o + 1] * b + 0.5f);
                dst[o + 2] = (byte)(fg[o + 2] * a + src[o + 2] * b + 0.5f);
            }
        }
    }
}
