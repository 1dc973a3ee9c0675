using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Harmonia.Core.Color;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// A colour map that is affine in natural-log LMS space, the form of every lαβ mean/std transfer:
/// <code>
/// v  = M_lms · rgb/255 + ε        u = ln v        u' = A · u + c        rgb' = 255 · M_lms⁻¹ · (exp u' − ε)
/// </code>
/// rounded and clamped to bytes. The hot path runs 8 pixels at a time with <see cref="Vector256"/> (float32,
/// vectorised Log/Exp); pixels left over at the end of a run take the scalar float path. <see cref="ApplyExact"/>
/// is the double-precision reference the tests compare both paths against.
/// </summary>
public sealed class LogLmsAffineTransform : IColorTransform
{
    readonly float[] k = new float[36];

    /// <summary>A in u' = A·u + c (natural-log LMS).</summary>
    public Matrix3 A { get; }
    /// <summary>c in u' = A·u + c.</summary>
    public Vec3 C { get; }

    /// <summary>Creates the map from its log-space affine part.</summary>
    public LogLmsAffineTransform(Matrix3 a, Vec3 c)
    {
        A = a;
        C = c;
        var toLms = (1.0 / 255) * LalphabetaSpace.RgbToLms;
        var toRgb = 255 * LalphabetaSpace.LmsToRgb;
        var toRgbOffset = toRgb * Vec3.All(-LalphabetaSpace.LogEpsilon);
        // Coefficient layout: [0..8] M_lms/255, [9..17] A, [18..20] c, [21..29] 255·M_lms⁻¹, [30..32] −255·M_lms⁻¹·ε, [33] ε.
        for (int r = 0; r < 3; r++)
        for (int col = 0; col < 3; col++)
        {
            k[r * 3 + col] = (float)toLms[r, col];
            k[9 + r * 3 + col] = (float)a[r, col];
            k[21 + r * 3 + col] = (float)toRgb[r, col];
        }
        for (int r = 0; r < 3; r++)
        {
            k[18 + r] = (float)c[r];
            k[30 + r] = (float)toRgbOffset[r];
        }
        k[33] = (float)LalphabetaSpace.LogEpsilon;
    }

    /// <summary>The double-precision reference of the map for one pixel (0-255 in), before rounding and clamping.</summary>
    public Vec3 ApplyExact(double r, double g, double b)
    {
        var v = LalphabetaSpace.RgbToLms * new Vec3(r / 255, g / 255, b / 255) + Vec3.All(LalphabetaSpace.LogEpsilon);
        var u = A * new Vec3(Math.Log(v.X), Math.Log(v.Y), Math.Log(v.Z)) + C;
        var e = new Vec3(Math.Exp(u.X), Math.Exp(u.Y), Math.Exp(u.Z)) - Vec3.All(LalphabetaSpace.LogEpsilon);
        return 255 * (LalphabetaSpace.LmsToRgb * e);
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination) => Apply(source, destination, Vector256.IsHardwareAccelerated);

    /// <summary>Applies with the vector path on or off (tests check both against <see cref="ApplyExact"/>).</summary>
    // Fully optimized from the first call: the renderer calls this per run, too few times for tiering to kick in early.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination, bool vectorized)
    {
        int n = source.Length / 3, i = 0;
        if (vectorized)
        {
            Span<int> lanes = stackalloc int[24];
            for (; i + 8 <= n; i += 8) Apply8(source.Slice(i * 3, 24), destination.Slice(i * 3, 24), lanes);
        }
        for (; i < n; i++) ApplyScalar(source.Slice(i * 3, 3), destination.Slice(i * 3, 3));
    }

    void ApplyScalar(ReadOnlySpan<byte> s, Span<byte> d)
    {
        var q = k;
        float r = s[0], g = s[1], b = s[2], eps = q[33];
        float u0 = MathF.Log(q[0] * r + q[1] * g + q[2] * b + eps);
        float u1 = MathF.Log(q[3] * r + q[4] * g + q[5] * b + eps);
        float u2 = MathF.Log(q[6] * r + q[7] * g + q[8] * b + eps);
        float e0 = MathF.Exp(q[9] * u0 + q[10] * u1 + q[11] * u2 + q[18]);
        float e1 = MathF.Exp(q[12] * u0 + q[13] * u1 + q[14] * u2 + q[19]);
        float e2 = MathF.Exp(q[15] * u0 + q[16] * u1 + q[17] * u2 + q[20]);
        d[0] = PixelBytes.Round(q[21] * e0 + q[22] * e1 + q[23] * e2 + q[30]);
        d[1] = PixelBytes.Round(q[24] * e0 + q[25] * e1 + q[26] * e2 + q[31]);
        d[2] = PixelBytes.Round(q[27] * e0 + q[28] * e1 + q[29] * e2 + q[32]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void Apply8(ReadOnlySpan<byte> s, Span<byte> d, Span<int> lanes)
    {
        var q = k;
        LoadPlanar8(s, out var r, out var g, out var b);
        var eps = Vector256.Create(q[33]);
        var u0 = Vector256.Log(Mad(q, 0, r, g, b) + eps);
        var u1 = Vector256.Log(Mad(q, 3, r, g, b) + eps);
        var u2 = Vector256.Log(Mad(q, 6, r, g, b) + eps);
        var e0 = Vector256.Exp(Mad(q, 9, u0, u1, u2) + Vector256.Create(q[18]));
        var e1 = Vector256.Exp(Mad(q, 12, u0, u1, u2) + Vector256.Create(q[19]));
        var e2 = Vector256.Exp(Mad(q, 15, u0, u1, u2) + Vector256.Create(q[20]));
        var lo = Vector256<float>.Zero;
        var hi = Vector256.Create(255f);
        var half = Vector256.Create(0.5f);
        // Clamp then add 0.5 and truncate: round half up, same as the scalar ToByte.
        var o0 = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Mad(q, 21, e0, e1, e2) + Vector256.Create(q[30]), lo), hi) + half);
        var o1 = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Mad(q, 24, e0, e1, e2) + Vector256.Create(q[31]), lo), hi) + half);
        var o2 = Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Mad(q, 27, e0, e1, e2) + Vector256.Create(q[32]), lo), hi) + half);
        o0.CopyTo(lanes);
        o1.CopyTo(lanes[8..]);
        o2.CopyTo(lanes[16..]);
        for (int j = 0; j < 8; j++)
        {
            d[3 * j] = (byte)lanes[j];
            d[3 * j + 1] = (byte)lanes[8 + j];
            d[3 * j + 2] = (byte)lanes[16 + j];
        }
    }

    /// <summary>Dot product of the 3 coefficients at q[offset..offset+3] (one matrix row) with (x, y, z).</summary>
    static Vector256<float> Mad(float[] q, int offset, Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        Vector256.Create(q[offset]) * x + Vector256.Create(q[offset + 1]) * y + Vector256.Create(q[offset + 2]) * z;

    /// <summary>Deinterleaves 8 RGB pixels (24 bytes) into three float vectors.</summary>
    internal static void LoadPlanar8(ReadOnlySpan<byte> s, out Vector256<float> r, out Vector256<float> g, out Vector256<float> b)
    {
        r = Vector256.Create((float)s[0], s[3], s[6], s[9], s[12], s[15], s[18], s[21]);
        g = Vector256.Create((float)s[1], s[4], s[7], s[10], s[13], s[16], s[19], s[22]);
        b = Vector256.Create((float)s[2], s[5], s[8], s[11], s[14], s[17], s[20], s[23]);
    }
}
