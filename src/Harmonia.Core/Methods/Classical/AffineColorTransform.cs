using System.Runtime.CompilerServices;
using Harmonia.Core.Color;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// <c>out = M · rgb + offset</c> in 0-255 units, rounded and clamped to bytes: the shared renderer of methods whose
/// map is affine in RGB (Monge-Kantorovich, global mean/std transfer).
/// </summary>
public sealed class AffineColorTransform : IColorTransform
{
    readonly float m00, m01, m02, m10, m11, m12, m20, m21, m22, o0, o1, o2;

    /// <summary>The matrix (0-255 units in and out).</summary>
    public Matrix3 Matrix { get; }
    /// <summary>The offset in 0-255 units.</summary>
    public Vec3 Offset { get; }

    /// <summary>Creates the map.</summary>
    public AffineColorTransform(Matrix3 matrix, Vec3 offset)
    {
        Matrix = matrix;
        Offset = offset;
        (m00, m01, m02) = ((float)matrix[0, 0], (float)matrix[0, 1], (float)matrix[0, 2]);
        (m10, m11, m12) = ((float)matrix[1, 0], (float)matrix[1, 1], (float)matrix[1, 2]);
        (m20, m21, m22) = ((float)matrix[2, 0], (float)matrix[2, 1], (float)matrix[2, 2]);
        (o0, o1, o2) = ((float)offset.X, (float)offset.Y, (float)offset.Z);
    }

    /// <summary>The map <c>x ↦ target + T·(x − source)</c>, i.e. offset = target − T·source.</summary>
    public static AffineColorTransform Centered(Matrix3 matrix, Vec3 sourceMean, Vec3 targetMean) =>
        new(matrix, targetMean - matrix * sourceMean);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (int i = 0; i + 2 < source.Length; i += 3)
        {
            float r = source[i], g = source[i + 1], b = source[i + 2];
            destination[i] = PixelBytes.Round(m00 * r + m01 * g + m02 * b + o0);
            destination[i + 1] = PixelBytes.Round(m10 * r + m11 * g + m12 * b + o1);
            destination[i + 2] = PixelBytes.Round(m20 * r + m21 * g + m22 * b + o2);
        }
    }
}
