using Harmonia.Core.Errors;
using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>Builds a network from a Harmonia weights file: the configuration from its metadata, then its tensors.</summary>
public static class ModelWeights
{
    /// <summary>
    /// Reads the safetensors at <paramref name="path"/>, builds the network they describe with <paramref name="build"/>
    /// (it gets the file's metadata and must check every number before allocating) and loads the file's tensors into
    /// it (strict: every name and shape must match). Errors become one <see cref="HarmoniaException"/> naming
    /// <paramref name="label"/> (e.g. "CharmNet") and the file; the file's tensors are freed either way, and a network
    /// that failed to load is disposed.
    /// </summary>
    public static TModel Load<TModel>(string path, string label, Func<IReadOnlyDictionary<string, string>, TModel> build) where TModel : nn.Module
    {
        TorchRuntime.EnsureAvailable();
        var tensors = WeightsFile.Read(path, out var metadata);
        try
        {
            TModel model;
            try { model = build(metadata); }
            catch (Exception e) when (e is HarmoniaException or ArgumentException) { throw new HarmoniaException($"{label} weights '{path}': {e.Message}"); }
            try { StateDictIO.Load(model, tensors, strict: true); }
            catch (HarmoniaException e)
            {
                model.Dispose();
                throw new HarmoniaException($"{label} weights '{path}': {e.Message}");
            }
            return model;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
