using System.Buffers.Binary;
using System.Text;
using Harmonia.Core.Errors;
using Harmonia.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Weights;

public class SafeTensorsTests
{
    [Fact]
    public void Round_trip_keeps_names_shapes_values_types_and_metadata()
    {
        using var scope = NewDisposeScope();
        var a = torch.arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4) / 7;
        var b = torch.tensor(new long[] { 5, -3 });
        var bytes = SafeTensors.Serialize([new("layer.weight", a), new("bn.num_batches_tracked", b)], new Dictionary<string, string> { ["method"] = "x" });
        Assert.Equal(0, (int)(BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8));
        var back = SafeTensors.Deserialize(bytes, out var meta);
        Assert.Equal("x", meta["method"]);
        Assert.Equal(new long[] { 2, 3, 4 }, back["layer.weight"].shape);
        Assert.Equal(a.data<float>().ToArray(), back["layer.weight"].data<float>().ToArray());
        Assert.Equal(ScalarType.Int64, back["bn.num_batches_tracked"].dtype);
        Assert.Equal(new long[] { 5, -3 }, back["bn.num_batches_tracked"].data<long>().ToArray());
    }

    [Fact]
    public void Parse_gives_names_shapes_and_metadata_first_and_the_same_tensors_on_demand()
    {
        using var scope = NewDisposeScope();
        var a = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3) / 3;
        var bytes = SafeTensors.Serialize([new("w", a), new("n", torch.tensor(new long[] { 7 }))], new Dictionary<string, string> { ["k"] = "v" });
        var content = SafeTensors.Parse(bytes, "x");
        Assert.Equal("v", content.Metadata["k"]);
        Assert.Equal(new long[] { 2, 3 }, content.Shapes["w"]);
        Assert.Equal(new long[] { 1 }, content.Shapes["n"]);
        var tensors = content.CreateTensors();
        Assert.Equal(a.data<float>().ToArray(), tensors["w"].data<float>().ToArray());
        Assert.Equal(new long[] { 7 }, tensors["n"].data<long>().ToArray());
        var broken = (byte[])bytes.Clone();
        broken[10] = (byte)'!';
        Assert.Throws<HarmoniaException>(() => SafeTensors.Parse(broken, "broken"));
    }

    [Fact]
    public void Hand_written_file_with_f32_f16_bf16_f64_loads_the_right_values()
    {
        // Header written by hand, data offsets counted by hand: w F32 [2] (8 bytes), h F16 [2] (4), g BF16 [1] (2), d F64 [1] (8).
        var header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                     + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]},"
                     + "\"g\":{\"dtype\":\"BF16\",\"shape\":[1,1],\"data_offsets\":[12,14]},"
                     + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[14,22]}}";
        var h = Encoding.UTF8.GetBytes(header);
        var data = new byte[22];
        BitConverter.GetBytes(1.5f).CopyTo(data, 0);
        BitConverter.GetBytes(-2.25f).CopyTo(data, 4);
        new byte[] { 0x00, 0x3C, 0x00, 0xC0 }.CopyTo(data, 8);   // F16 1.0 = 0x3C00, -2.0 = 0xC000
        new byte[] { 0x40, 0x40 }.CopyTo(data, 12);              // BF16 0x4040 = 3.0
        BitConverter.GetBytes(0.125).CopyTo(data, 14);
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);

        var t = SafeTensors.Deserialize(file, out var meta);
        Assert.Equal("pt", meta["format"]);
        Assert.Equal(new[] { 1.5f, -2.25f }, t["w"].data<float>().ToArray());
        Assert.Equal(new[] { 1f, -2f }, t["h"].data<float>().ToArray());
        Assert.Equal(new long[] { 1, 1 }, t["g"].shape);
        Assert.Equal(3f, t["g"].data<float>()[0, 0]);
        Assert.Equal(ScalarType.Float32, t["d"].dtype);
        Assert.Equal(0.125f, t["d"].data<float>()[0]);
        foreach (var x in t.Values) x.Dispose();
    }

    [Fact]
    public void Truncated_file_is_rejected_with_a_message()
    {
        using var a = torch.ones(4);
        var bytes = SafeTensors.Serialize([new("a", a)]);
        var e = Assert.Throws<HarmoniaException>(() => SafeTensors.Deserialize(bytes.AsSpan(0, bytes.Length - 4), out _));
        Assert.Contains("outside the file", e.Message);
    }

    [Fact]
    public void State_dict_round_trip_restores_batchnorm_stats_and_counts()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var model = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)));
        model.train();
        model.forward(torch.randn(2, 3, 8, 8));
        model.forward(torch.randn(2, 3, 8, 8));
        var names = model.state_dict().Keys.ToList();
        Assert.Contains("bn.running_mean", names);
        Assert.Contains("bn.num_batches_tracked", names);
        var dir = Path.Combine(Path.GetTempPath(), "harmonia-st-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "m.safetensors");
            StateDictIO.Save(model, path, new Dictionary<string, string> { ["k"] = "v" });
            torch.manual_seed(2);
            var other = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("bn", nn.BatchNorm2d(4)));
            var meta = StateDictIO.Load(other, path);
            Assert.Equal("v", meta["k"]);
            var s1 = model.state_dict();
            var s2 = other.state_dict();
            foreach (var n in names) Assert.True(s1[n].equal(s2[n]).all().item<bool>(), n);
            Assert.Equal(2L, s2["bn.num_batches_tracked"].item<long>());

            var wrong = nn.Sequential(("conv", nn.Conv2d(3, 5, 3)), ("bn", nn.BatchNorm2d(5)));
            var e = Assert.Throws<HarmoniaException>(() => StateDictIO.Load(wrong, path));
            Assert.Contains("shape", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
