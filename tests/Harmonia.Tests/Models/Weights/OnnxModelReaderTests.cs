using Harmonia.Core.Errors;
using Harmonia.Models.Weights;

namespace Harmonia.Tests.Models.Weights;

/// <summary>The ONNX initializer reader on hand-built protobuf bytes.</summary>
public sealed class OnnxModelReaderTests
{
    static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(v & 0x7f);
            v >>= 7;
            bytes.Add(v == 0 ? b : (byte)(b | 0x80));
        }
        while (v != 0);
        return [.. bytes];
    }

    static byte[] Field(int number, byte[] payload) => [.. Varint((ulong)(number << 3 | 2)), .. Varint((ulong)payload.Length), .. payload];

    static byte[] VarintField(int number, ulong value) => [.. Varint((ulong)(number << 3)), .. Varint(value)];

    /// <summary>ModelProto { graph { initializer { dims, data_type FLOAT, name "w", raw_data } } }.</summary>
    static byte[] Model(long[] dims, float[] values)
    {
        var raw = values.SelectMany(BitConverter.GetBytes).ToArray();
        byte[] tensor = [.. dims.SelectMany(d => VarintField(1, (ulong)d)), .. VarintField(2, 1), .. Field(8, "w"u8.ToArray()), .. Field(9, raw)];
        return Field(7, Field(5, tensor));
    }

    [Fact]
    public void Float_initializer_is_read_with_its_shape_and_values()
    {
        var tensors = OnnxModelReader.ReadFloatInitializers(Model([2, 3], [1, 2, 3, 4, 5, -6.5f]));
        Assert.Equal(new long[] { 2, 3 }, tensors["w"].Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, -6.5f }, tensors["w"].ToArray());
        Assert.Equal(24, tensors["w"].Bytes.Length);
    }

    [Fact]
    public void Initializer_whose_data_does_not_fit_its_dims_is_refused()
    {
        var e = Assert.Throws<HarmoniaException>(() => OnnxModelReader.ReadFloatInitializers(Model([2, 3], [1, 2, 3, 4, 5])));
        Assert.Contains("'w' has 20 bytes for shape [2,3]", e.Message);
        Assert.Throws<HarmoniaException>(() => OnnxModelReader.ReadFloatInitializers(Model([1L << 40, 1L << 40], [1])));
    }
}
