namespace Harmonia.Core.Imaging;

/// <summary>
/// The Adler-32 checksum that ends a zlib stream (RFC 1950): A = 1 + Σ bytes, B = Σ of the running A values, both
/// mod 65521, sum = B·65536 + A. <see cref="Combine"/> joins the sums of two consecutive pieces, so pieces deflated in
/// parallel get the checksum of the whole.
/// </summary>
internal static class Adler32
{
    const uint Modulus = 65521;

    /// <summary>Largest run of bytes whose sums cannot overflow 32 bits before the modulo.</summary>
    const int Run = 5552;

    /// <summary>The checksum of the bytes summed by <paramref name="adler"/> followed by <paramref name="data"/> (start with 1).</summary>
    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF, b = adler >> 16;
        while (data.Length > 0)
        {
            int n = Math.Min(Run, data.Length);
            foreach (byte v in data[..n])
            {
                a += v;
                b += a;
            }
            a %= Modulus;
            b %= Modulus;
            data = data[n..];
        }
        return b << 16 | a;
    }

    /// <summary>
    /// The checksum of piece 1 followed by piece 2, from their own checksums and piece 2's length: A = A1 + A2 − 1 and
    /// B = B1 + B2 + length2 · (A1 − 1), mod 65521 (every running A of piece 2 is larger by A1 − 1).
    /// </summary>
    public static uint Combine(uint adler1, uint adler2, long length2)
    {
        ulong a1 = adler1 & 0xFFFF, b1 = adler1 >> 16, a2 = adler2 & 0xFFFF, b2 = adler2 >> 16;
        ulong n = (ulong)(length2 % Modulus);
        ulong a = (a1 + a2 + Modulus - 1) % Modulus;
        ulong b = (b1 + b2 + n * ((a1 + Modulus - 1) % Modulus)) % Modulus;
        return (uint)(b << 16 | a);
    }
}
