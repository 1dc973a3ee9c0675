using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods.Classical;
using Harmonia.Core.Rendering;

namespace Harmonia.ExampleMaker;

/// <summary>
/// The example scenes: which photo (from Debian's lomiri-wallpapers-16.04, see examples/CREDITS.md), which
/// hand-placed outline (an ellipse in fractions of the image, feathered), and which disharmony: a strong
/// colour/exposure change of the object (writes the untouched photo as <c>_real</c>) or a paste into another photo.
/// </summary>
public static class ExampleScenes
{
    const int MaxSide = 1024;
    const int JpegQuality = 88;

    /// <summary>An ellipse in fractions of width/height: centre, semi-axes, rotation in degrees (clockwise).</summary>
    public sealed record Ellipse(double Cx, double Cy, double Rx, double Ry, double Degrees = 0);

    /// <summary>Reads a photo and downsizes it (antialiased) so its longer side is at most <paramref name="maxSide"/>.</summary>
    public static RgbImage LoadFitted(string path, int maxSide)
    {
        var photo = ImageCodec.Read(path);
        double s = Math.Min(1.0, maxSide / (double)Math.Max(photo.Width, photo.Height));
        return s >= 1 ? photo : Resize.Rgb(photo, (int)Math.Round(photo.Width * s), (int)Math.Round(photo.Height * s), ResizeFilter.Bicubic);
    }

    /// <summary>Makes every example; returns one line per example written.</summary>
    public static IEnumerable<string> MakeAll(string photoFolder, string examplesFolder)
    {
        Directory.CreateDirectory(examplesFolder);
        string Photo(string name) => Path.Combine(photoFolder, name);

        // 0. Dandelion head more than a stop darker (an exposure gap), the README's first example.
        yield return Recolour(Photo("seeding_by_Clements_Engelhardt.jpg"), examplesFolder, "dandelion",
            new Ellipse(0.294, 0.32, 0.165, 0.255),
            new AffineColorTransform(Matrix3.Diagonal(new Vec3(0.45, 0.45, 0.45)), new Vec3(0, 0, 0)));

        // 1. Drum head recoloured cold and dark (a foreground shot under other light).
        yield return Recolour(Photo("Wine_by_Jakkub_Mede.jpg"), examplesFolder, "drum",
            new Ellipse(0.40, 0.64, 0.27, 0.115, -28),
            new AffineColorTransform(Matrix3.Diagonal(new Vec3(0.62, 0.78, 1.05)), new Vec3(0, 8, 30)));

        // 2. Upper dog recoloured green and flat (low contrast, lifted blacks).
        yield return Recolour(Photo("friends_by_Aitzol_Berasategi.jpg"), examplesFolder, "dog",
            new Ellipse(0.41, 0.315, 0.125, 0.09),
            new AffineColorTransform(new Matrix3(0.45, 0.1, 0, 0.05, 0.6, 0, 0, 0.1, 0.45), new Vec3(35, 75, 40)));

        // 3. Lower dog cut from one photo and pasted on the rocks of a forest stream (a real copy-paste composite).
        yield return Paste(Photo("friends_by_Aitzol_Berasategi.jpg"), new Ellipse(0.565, 0.545, 0.12, 0.1),
            Photo("life_by_Aitzol_Berasategi.jpg"), (0.66, 0.66), examplesFolder, "dog_stream");
    }

    static string Recolour(string photoPath, string folder, string name, Ellipse outline, IColorTransform change)
    {
        var real = LoadFitted(photoPath, MaxSide);
        var mask = Rasterize(outline, real.Width, real.Height);
        var composite = ForegroundRenderer.Render(real, mask, change);
        ImageCodec.Write(composite, Path.Combine(folder, $"{name}_composite.jpg"), JpegQuality);
        ImageCodec.WriteMask(mask, Path.Combine(folder, $"{name}_mask.png"));
        ImageCodec.Write(real, Path.Combine(folder, $"{name}_real.jpg"), JpegQuality);
        return $"{name}: {real.Width}x{real.Height}, foreground {mask.ForegroundRatio():P1}, recoloured";
    }

    /// <summary>Pastes the <paramref name="outline"/> region of one photo so its centre lands at <paramref name="at"/> (fractions) of another.</summary>
    static string Paste(string sourcePath, Ellipse outline, string backgroundPath, (double X, double Y) at, string folder, string name)
    {
        var source = LoadFitted(sourcePath, MaxSide);
        var background = LoadFitted(backgroundPath, MaxSide);
        var sourceMask = Rasterize(outline, source.Width, source.Height);
        int w = background.Width, h = background.Height;
        int dx = (int)Math.Round(at.X * w - outline.Cx * source.Width), dy = (int)Math.Round(at.Y * h - outline.Cy * source.Height);
        var moved = new RgbImage(w, h);
        var alpha = new float[w * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int sx = x - dx, sy = y - dy;
            if (sx < 0 || sy < 0 || sx >= source.Width || sy >= source.Height) continue;
            int s = sy * source.Width + sx, d = y * w + x;
            alpha[d] = sourceMask.Alpha[s];
            source.Pixels.AsSpan(3 * s, 3).CopyTo(moved.Pixels.AsSpan(3 * d, 3));
        }
        var mask = new Mask(w, h, alpha);
        var composite = ForegroundRenderer.Blend(background, moved, mask);
        ImageCodec.Write(composite, Path.Combine(folder, $"{name}_composite.jpg"), JpegQuality);
        ImageCodec.WriteMask(mask, Path.Combine(folder, $"{name}_mask.png"));
        return $"{name}: {w}x{h}, foreground {mask.ForegroundRatio():P1}, pasted";
    }

    /// <summary>A soft ellipse mask: alpha 1 inside, 0 outside, a linear ramp about 1% of the longer side wide across the edge.</summary>
    static Mask Rasterize(Ellipse e, int w, int h)
    {
        var alpha = new float[w * h];
        double feather = 0.01 * Math.Max(w, h);
        double cx = e.Cx * w, cy = e.Cy * h, rx = e.Rx * w, ry = e.Ry * h;
        double cos = Math.Cos(e.Degrees * Math.PI / 180), sin = Math.Sin(e.Degrees * Math.PI / 180);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double px = x + 0.5 - cx, py = y + 0.5 - cy;
            double u = cos * px + sin * py, v = -sin * px + cos * py;
            // Approximate signed distance to the edge: (normalised radius − 1) · the smaller semi-axis.
            double distance = (Math.Sqrt(u * u / (rx * rx) + v * v / (ry * ry)) - 1) * Math.Min(rx, ry);
            alpha[y * w + x] = (float)Math.Clamp(0.5 - distance / feather, 0, 1);
        }
        return new Mask(w, h, alpha);
    }
}
