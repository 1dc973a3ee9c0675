using System.IO.Compression;
using System.Text;

namespace Harmonia.Tests.Support;

/// <summary>
/// Writes tiny files in <c>torch.save</c>'s zip layout (<c>top/data.pkl</c>, a protocol-2 pickle, and one
/// <c>top/data/N</c> storage per tensor) so tests can build normal, nested and hostile PyTorch checkpoints without
/// Python. Values are a small pickle object model: <see cref="Dict"/>, <see cref="FloatTensor"/>, int, string.
/// Tensors may declare a shape that does not match their storage (hostile files).
/// </summary>
public static class TorchSaveWriter
{
    /// <summary>A float32 tensor: its declared shape and the storage actually stored.</summary>
    public sealed record FloatTensor(long[] Shape, float[] Storage);

    /// <summary>A dict; <paramref name="Ordered"/> pickles it as <c>collections.OrderedDict</c> (as state dicts are).</summary>
    public sealed record Dict(IReadOnlyList<(string Key, object Value)> Items, bool Ordered = true);

    /// <summary>Writes <paramref name="root"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, object root)
    {
        var storages = new List<float[]>();
        var pickle = new MemoryStream();
        pickle.Write([0x80, 0x02]);
        WriteValue(pickle, root, storages);
        pickle.WriteByte((byte)'.');
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        var top = Path.GetFileNameWithoutExtension(path);
        Add(zip, $"{top}/data.pkl", pickle.ToArray());
        for (int i = 0; i < storages.Count; i++)
            Add(zip, $"{top}/data/{i}", storages[i].SelectMany(BitConverter.GetBytes).ToArray());
        Add(zip, $"{top}/version", Encoding.ASCII.GetBytes("3\n"));
    }

    static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }

    static void WriteValue(Stream p, object value, List<float[]> storages)
    {
        switch (value)
        {
            case int i: Int(p, i); break;
            case string s: Text(p, s); break;
            case Dict d:
                if (d.Ordered) { Global(p, "collections", "OrderedDict"); p.WriteByte((byte)')'); p.WriteByte((byte)'R'); }
                else p.WriteByte((byte)'}');
                foreach (var (k, v) in d.Items)
                {
                    Text(p, k);
                    WriteValue(p, v, storages);
                    p.WriteByte((byte)'s');   // SETITEM
                }
                break;
            case FloatTensor t:
                int key = storages.Count;
                storages.Add(t.Storage);
                Global(p, "torch._utils", "_rebuild_tensor_v2");
                p.WriteByte((byte)'(');
                p.WriteByte((byte)'(');   // persistent id tuple
                Text(p, "storage");
                Global(p, "torch", "FloatStorage");
                Text(p, key.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Text(p, "cpu");
                Int(p, t.Storage.Length);
                p.WriteByte((byte)'t');
                p.WriteByte((byte)'Q');   // BINPERSID
                Int(p, 0);               // storage offset
                Tuple(p, t.Shape);
                var stride = new long[t.Shape.Length];
                long step = 1;
                for (int d = t.Shape.Length - 1; d >= 0; d--) { stride[d] = step; step = unchecked(step * Math.Max(1, t.Shape[d])); }
                Tuple(p, stride);
                p.WriteByte(0x89);       // NEWFALSE: requires_grad
                Global(p, "collections", "OrderedDict");
                p.WriteByte((byte)')');
                p.WriteByte((byte)'R');  // backward hooks: OrderedDict()
                p.WriteByte((byte)'t');
                p.WriteByte((byte)'R');
                break;
            default: throw new ArgumentException($"Unsupported pickle value {value.GetType().Name}.");
        }
    }

    static void Tuple(Stream p, long[] values)
    {
        p.WriteByte((byte)'(');
        foreach (var v in values) Int(p, unchecked((int)v));   // hostile shapes may not fit; the reader must reject them
        p.WriteByte((byte)'t');
    }

    static void Int(Stream p, int value)
    {
        p.WriteByte((byte)'J');   // BININT
        p.Write(BitConverter.GetBytes(value));
    }

    static void Text(Stream p, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        p.WriteByte((byte)'X');   // BINUNICODE
        p.Write(BitConverter.GetBytes(bytes.Length));
        p.Write(bytes);
    }

    static void Global(Stream p, string module, string name) => p.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));
}
