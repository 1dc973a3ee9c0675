using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Harmonia.Core.Rendering;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Pipeline;

/// <summary>A deferred method starts loading once both headers passed, overlapping the decode, and never for bad headers.</summary>
public sealed class DeferredCreationTests
{
    sealed class Invert : IHarmonizer, IDisposable
    {
        public bool Disposed { get; private set; }
        public IForegroundMap Fit(RgbImage composite, Mask mask)
        {
            var table = new byte[768];
            for (int i = 0; i < 768; i++) table[i] = (byte)(255 - (i & 255));
            return new ColorTransformMap(new ChannelLut(table));
        }
        public void Dispose() => Disposed = true;
    }

    static (string Composite, string Mask) Pair(TempFolder folder, int maskWidth = 24)
    {
        var composite = folder.File("c.png");
        var mask = folder.File("m.png");
        ImageCodec.Write(TestImages.Gradient(24, 16), composite);
        ImageCodec.WriteMask(TestImages.Ellipse(maskWidth, 16), mask);
        return (composite, mask);
    }

    [Fact]
    public void Creation_starts_after_the_header_checks_and_runs_once()
    {
        using var folder = new TempFolder();
        var (c, m) = Pair(folder);
        int created = 0;
        var invert = new Invert();
        using (var method = new DeferredHarmonizer(() => { Interlocked.Increment(ref created); return invert; }, []))
        {
            var result = FileHarmonizer.Run(method, c, m, folder.File("out.png"), new FileHarmonizeOptions(Mask.DefaultThreshold));
            Assert.Equal(1, created);
            // (On a pool thread beside the decode, or inline when the first use finds the task not yet started.)
            var output = ImageCodec.Read(result.OutputPath);
            var input = ImageCodec.Read(c);
            var mask = ImageCodec.ReadMask(m);
            for (int i = 0; i < mask.Alpha.Length; i++)
                if (mask.Alpha[i] >= 1f) Assert.Equal(255 - input.Pixels[3 * i], output.Pixels[3 * i]);
                else if (mask.Alpha[i] <= 0f) Assert.Equal(input.Pixels[3 * i], output.Pixels[3 * i]);
        }
        Assert.True(invert.Disposed);
    }

    [Fact]
    public void Mismatched_headers_load_nothing_and_a_creation_error_surfaces_unwrapped()
    {
        using var folder = new TempFolder();
        var (c, m) = Pair(folder, maskWidth: 20);
        using var method = new DeferredHarmonizer(() => throw new HarmoniaException("no weights"), []);
        Assert.Throws<HarmoniaException>(() => FileHarmonizer.Run(method, c, m, folder.File("out.png"), new FileHarmonizeOptions(Mask.DefaultThreshold)));
        Assert.False(method.IsCreated);

        using var other = new TempFolder();
        var (c2, m2) = Pair(other);
        var e = Assert.Throws<HarmoniaException>(() => FileHarmonizer.Run(method, c2, m2, folder.File("out2.png"), new FileHarmonizeOptions(Mask.DefaultThreshold)));
        Assert.Equal("no weights", e.Message);
        Assert.False(File.Exists(folder.File("out2.png")));
    }
}
