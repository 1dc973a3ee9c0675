using Harmonia.Core.Color;

namespace Harmonia.Tests.Core.Color;

public class ColorMathTests
{
    [Fact]
    public void Jacobi_eigendecomposition_reconstructs_symmetric_matrices()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var b = Matrix3.From((_, _) => rng.NextDouble() * 2 - 1);
            var a = b * b.Transpose() + (trial % 3 == 0 ? Matrix3.Identity : 0.0 * Matrix3.Identity);
            var (values, v) = SymmetricEigen3.Decompose(a);
            var rebuilt = v * Matrix3.Diagonal(values) * v.Transpose();
            Assert.True(Matrix3.MaxAbsDifference(a, rebuilt) < 1e-12, $"trial {trial}: reconstruction off by {Matrix3.MaxAbsDifference(a, rebuilt)}");
            Assert.True(Matrix3.MaxAbsDifference(v.Transpose() * v, Matrix3.Identity) < 1e-12, "eigenvectors not orthonormal");
        }
    }

    [Fact]
    public void Jacobi_finds_known_eigenvalues()
    {
        // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 1, 3, 5.
        var (values, _) = SymmetricEigen3.Decompose(new Matrix3(2, 1, 0, 1, 2, 0, 0, 0, 5));
        var sorted = new[] { values.X, values.Y, values.Z }.Order().ToArray();
        Assert.Equal(1, sorted[0], 12);
        Assert.Equal(3, sorted[1], 12);
        Assert.Equal(5, sorted[2], 12);
    }

    [Fact]
    public void Matrix_square_root_squares_back()
    {
        var a = new Matrix3(4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
        var root = SymmetricEigen3.Apply(a, Math.Sqrt);
        Assert.True(Matrix3.MaxAbsDifference(root * root, a) < 1e-12);
        Assert.True(Matrix3.MaxAbsDifference(a * a.Inverse(), Matrix3.Identity) < 1e-12);
    }

    [Fact]
    public void Lalphabeta_round_trips_and_grey_has_zero_chroma()
    {
        for (int v = 0; v < 256; v += 15)
        {
            var lab = LalphabetaSpace.FromRgb(v, 255 - v, v / 2);
            var rgb = LalphabetaSpace.ToRgb(lab);
            Assert.Equal(v, rgb.X, 9);
            Assert.Equal(255 - v, rgb.Y, 9);
            Assert.Equal(v / 2, rgb.Z, 9);
        }
        // White: LMS rows of Reinhard's matrix sum to ~1, so α and β of white are ~0 (within the matrix's rounding).
        var white = LalphabetaSpace.FromRgb(255, 255, 255);
        Assert.True(Math.Abs(white.Y) < 2e-3 && Math.Abs(white.Z) < 2e-3, $"white has chroma {white}");
    }
}
