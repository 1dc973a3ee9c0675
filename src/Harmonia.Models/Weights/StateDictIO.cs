using Harmonia.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// Saves and loads a module's state dict (parameters and buffers, by their PyTorch names as <c>module.state_dict()</c>
/// gives them, e.g. <c>encoder.0.weight</c>, <c>bn.running_mean</c>, <c>bn.num_batches_tracked</c>) as safetensors.
/// </summary>
public static class StateDictIO
{
    /// <summary>Writes the module's state dict to <paramref name="path"/> atomically, with optional string metadata.</summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null, string prefix = "") =>
        SafeTensors.Write(path, Named(module, prefix), metadata);

    /// <summary>The module's state dict entries with <paramref name="prefix"/> prepended to each name (for combined files).</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Named(nn.Module module, string prefix = "") =>
        module.state_dict().Select(kv => new KeyValuePair<string, Tensor>(prefix + kv.Key, kv.Value));

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/> (see <see cref="Load(nn.Module, IReadOnlyDictionary{string, Tensor}, bool, string)"/>).
    /// Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Load(nn.Module module, string path, bool strict = true, string prefix = "")
    {
        var tensors = SafeTensors.Read(path, out var metadata);
        try
        {
            Load(module, tensors, strict, prefix);
        }
        catch (HarmoniaException e)
        {
            throw new HarmoniaException($"Weights '{path}': {e.Message}");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        return metadata;
    }

    /// <summary>
    /// Copies tensors named <c>prefix + state-dict name</c> into the module's parameters and buffers (in place, no grad,
    /// converting dtype: float files into float params, integer counters such as <c>num_batches_tracked</c> as int64).
    /// Shapes must match exactly. With <paramref name="strict"/>, a missing entry (other than <c>num_batches_tracked</c>,
    /// which many exports omit) or an unexpected entry under the prefix throws <see cref="HarmoniaException"/>.
    /// Returns the names that were not found (and were skipped).
    /// </summary>
    public static StateDictLoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, bool strict = true, string prefix = "")
    {
        var state = module.state_dict();
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        using (torch.no_grad())
        {
            foreach (var (name, target) in state)
            {
                if (!tensors.TryGetValue(prefix + name, out var source))
                {
                    missing.Add(name);
                    continue;
                }
                used.Add(prefix + name);
                if (!source.shape.SequenceEqual(target.shape))
                    throw new HarmoniaException($"tensor '{name}' has shape [{string.Join(",", source.shape)}], the model expects [{string.Join(",", target.shape)}].");
                target.copy_(source.to_type(target.dtype));
            }
        }
        var unexpected = tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !used.Contains(k)).ToList();
        if (strict)
        {
            var reallyMissing = missing.Where(m => !m.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
            if (reallyMissing.Count > 0)
                throw new HarmoniaException($"{reallyMissing.Count} tensor(s) missing, e.g. '{string.Join("', '", reallyMissing.Take(3))}'.");
            if (unexpected.Count > 0)
                throw new HarmoniaException($"{unexpected.Count} unexpected tensor(s), e.g. '{string.Join("', '", unexpected.Take(3))}'.");
        }
        return new StateDictLoadReport(missing, unexpected);
    }
}

/// <summary>What a non-strict load skipped: module entries absent from the file and file entries the module lacks.</summary>
public sealed record StateDictLoadReport(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);
